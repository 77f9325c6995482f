#!/usr/bin/env bash
# Upsert benchmark (seed 001 T061): upsert SOURCE_ROWS rows (UPDATE_PCT % updates of existing
# ids spread over the table, the rest inserts) on id into a TABLE_ROWS-row table of FILES data
# files; reports the upsert time (commit included) and the process's peak RSS.
# Target: a 1M-row upsert into a 10M-row table in seconds. Not a pass/fail test.
#
# usage: bench/upsert_bench.sh [TABLE_ROWS [SOURCE_ROWS [UPDATE_PCT [FILES]]]]
#        (defaults 10000000 1000000 10 20)
#   BUILD=dir   optimized build directory (default build-bench, configured RelWithDebInfo here)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TABLE_ROWS=${1:-10000000}
SOURCE_ROWS=${2:-1000000}
UPDATE_PCT=${3:-10}
FILES=${4:-20}
BUILD=${BUILD:-$ROOT/build-bench}
OUT=${TMPDIR:-/tmp}/floe-upsert-bench
export FLOE_LOG_LEVEL=${FLOE_LOG_LEVEL:-error}
rm -rf "$OUT"
mkdir -p "$OUT"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOE_TESTS=OFF >/dev/null
fi
cmake --build "$BUILD" --target upsert_bench -j2 >/dev/null
UB=$BUILD/bench/upsert_bench

echo "== build a $TABLE_ROWS-row table in $FILES files =="
"$UB" build "$OUT/wh" "$TABLE_ROWS" "$FILES"
echo "== upsert $SOURCE_ROWS rows ($UPDATE_PCT% updates) =="
"$UB" upsert "$OUT/wh" "$TABLE_ROWS" "$SOURCE_ROWS" "$UPDATE_PCT"
