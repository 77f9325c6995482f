#!/usr/bin/env bash
# Table manager benchmark (issue 5), floe vs DuckDB on one thread each, in the same run:
#  1. append ROWS rows (id long, ts timestamptz, region string, amount decimal(10,2), qty int)
#     end to end, commit included, into an unpartitioned and a day(ts)-partitioned table, vs
#     DuckDB COPY of the same rows (read back from floe's data files into a table first) to
#     Parquet, one file / one directory per day (target: floe <= 1.2x DuckDB);
#  2. create, load and list tables (embedded sql catalog): median and p99 over OPS operations
#     each (target < 5 ms);
#  3. a selective filtered scan of a SCAN_ROWS-row, 100-file table: plan and scan times, files
#     pruned (and DuckDB's count over the same files with the same filter, for scale);
#  4. peak RSS of a BIG_ROWS-row append whose input is generated while appending
#     (target <= 512 MiB).
# Not a pass/fail test. See docs/benchmarks.md.
#
# usage: bench/table_bench.sh [ROWS [SCAN_ROWS [BIG_ROWS [OPS]]]]   (1000000 10000000 10000000 1000)
#   BUILD=dir   optimized build directory (default build-bench, configured RelWithDebInfo here)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-1000000}
SCAN_ROWS=${2:-10000000}
BIG_ROWS=${3:-10000000}
OPS=${4:-1000}
BUILD=${BUILD:-$ROOT/build-bench}
OUT=${TMPDIR:-/tmp}/floe-table-bench
export FLOE_INTEROP_DIR=${FLOE_INTEROP_DIR:-$ROOT/tests/interop}
export FLOE_LOG_LEVEL=${FLOE_LOG_LEVEL:-error}
rm -rf "$OUT"
mkdir -p "$OUT"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOE_TESTS=OFF >/dev/null
fi
cmake --build "$BUILD" --target table_bench -j2 >/dev/null
TB=$BUILD/bench/table_bench
DUCK="node $ROOT/bench/duckdb_bench.mjs"

field() { echo "$1" | sed -E "s/.*\"$2\": ?\"?([^,\"}]+).*/\1/"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# best of 3 runs of a JSON-printing command, by the field "seconds"
best3() {
  local best="" line secs
  for run in 1 2 3; do
    line=$("$@")
    secs=$(field "$line" seconds)
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestline=$line; fi
  done
  echo "$bestline"
}

echo "== 1. append $ROWS rows, commit included (best of 3) =="
for part in 0 1; do
  fl=$(best3 "$TB" append "$OUT/wh" "$ROWS" $part prebuilt)
  loc=$(field "$fl" location)
  if [ $part = 1 ]; then dst=$OUT/duck_by_day; else dst=$OUT/duck.parquet; fi
  dl=$($DUCK copy "$loc/data/**/*.parquet" "$dst" 3 $part)
  fs=$(field "$fl" seconds)
  ds=$(field "$dl" seconds)
  floe_bytes=$(find "$loc/data" -name '*.parquet' -printf '%s\n' | awk '{s+=$1} END {print s}')
  echo "$([ $part = 1 ] && echo 'day(ts) partitioned' || echo 'unpartitioned'):"
  echo "  floe:   $fl"
  echo "  duckdb: $dl"
  echo "  time ratio floe/duckdb: $(ratio "$fs" "$ds") (floe $fs s, duckdb $ds s);" \
    "data bytes floe $floe_bytes, duckdb $(field "$dl" bytes)"
done

echo
echo "== 2. catalog operations ($OPS each, sql catalog) =="
"$TB" catalog "$OUT/wh_catalog" "$OPS"

echo
echo "== 3. selective scan of a $SCAN_ROWS-row, 100-file table (best of 3) =="
sl=$("$TB" scan "$OUT/wh_scan" "$SCAN_ROWS" 100)
echo "  floe:   $sl"
loc=$(field "$sl" location)
dl=$($DUCK filter "$loc/data/**/*.parquet" "$(field "$sl" lo)" "$(field "$sl" hi)" 3)
echo "  duckdb: $dl (read_parquet over the same 100 files, same filter)"
echo "  floe scan $(field "$sl" scan_ms) ms (planning included; planning alone" \
  "$(field "$sl" plan_ms) ms), duckdb" \
  "$(awk -v d="$(field "$dl" seconds)" 'BEGIN { printf "%.1f", d * 1000 }') ms"

echo
echo "== 4. peak RSS of a $BIG_ROWS-row append (input generated while appending) =="
for part in 0 1; do
  line=$(/usr/bin/time -f '%M' -o "$OUT/rss" "$TB" append "$OUT/wh_big" "$BIG_ROWS" $part stream)
  rss=$(cat "$OUT/rss")
  echo "  $line"
  echo "  peak RSS $rss KiB = $(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }') MiB" \
    "(target <= 512 MiB)"
  rm -rf "$OUT/wh_big"
done
