#!/usr/bin/env bash
# Table maintenance benchmark: (1) compaction of SMALL_FILES tiny data files (one append of
# ROWS rows each), (2) expiry of SNAPSHOTS snapshots down to the current one, then
# remove-orphan-files on that table with ORPHANS planted unreferenced files. Reports files
# before/after, files deleted, time and the process's peak RSS (each operation runs in its own
# process, after the table was built by another). Figures, not a pass/fail test; there is no
# DuckDB peer (DuckDB has no Iceberg compaction, expiry or orphan removal).
#
# usage: bench/maint_bench.sh [SMALL_FILES [SNAPSHOTS [ROWS [ORPHANS]]]]
#        (defaults 1000 1000 10 100)
#   BUILD=dir   optimized build directory (default build-bench, configured RelWithDebInfo here)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SMALL_FILES=${1:-1000}
SNAPSHOTS=${2:-1000}
ROWS=${3:-10}
ORPHANS=${4:-100}
BUILD=${BUILD:-$ROOT/build-bench}
OUT=${TMPDIR:-/tmp}/floe-maint-bench
export FLOE_LOG_LEVEL=${FLOE_LOG_LEVEL:-error}
rm -rf "$OUT"
mkdir -p "$OUT"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOE_TESTS=OFF >/dev/null
fi
cmake --build "$BUILD" --target maint_bench -j2 >/dev/null
MB=$BUILD/bench/maint_bench

echo "== compact: build a table of $SMALL_FILES appends of $ROWS rows =="
"$MB" build "$OUT/wh" small_files "$SMALL_FILES" "$ROWS"
echo "== compact the $SMALL_FILES files =="
"$MB" compact "$OUT/wh" small_files

echo "== expire: build a table of $SNAPSHOTS snapshots (appends of $ROWS rows) =="
"$MB" build "$OUT/wh" many_snapshots "$SNAPSHOTS" "$ROWS"
echo "== expire all snapshots but the current one =="
"$MB" expire "$OUT/wh" many_snapshots
echo "== remove orphan files ($ORPHANS planted) =="
"$MB" orphans "$OUT/wh" many_snapshots "$ORPHANS"
