#!/usr/bin/env bash
# Parquet write benchmark: floe vs DuckDB (single thread, zstd) writing the same 1M rows
# (id int64, amount double, name string with ~10k distinct values, ts timestamp, qty int32).
# Prints time ratio, file sizes and peak RSS. Not a pass/fail test.
#
# usage: bench/parquet_bench.sh [ROWS]
#   BUILD=dir   an optimized build of floe's module libraries (default build-pqwriter-rel,
#               configured as Release here when missing)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-1000000}
BUILD=${BUILD:-$ROOT/build-pqwriter-rel}
OUT=${TMPDIR:-/tmp}/floe-parquet-bench
mkdir -p "$OUT"

if [ ! -f "$BUILD/libfloe_parquet.a" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DFLOE_TESTS=OFF \
    -DCMAKE_C_FLAGS="-Wno-error=maybe-uninitialized" >/dev/null
fi
cmake --build "$BUILD" --target floe_parquet floe_thrift floe_arrow floe_base -j2 >/dev/null
LIBS="$BUILD/libfloe_parquet.a $BUILD/libfloe_thrift.a $BUILD/libfloe_arrow.a $BUILD/libfloe_base.a"
cc -O2 -std=c11 -D_DEFAULT_SOURCE -I"$ROOT/include" -I"$ROOT/src" "$ROOT/bench/parquet_bench.c" \
  $LIBS $(pkg-config --libs libzstd liblz4 zlib libbrotlienc libbrotlidec jansson yaml-0.1 \
  libcurl libcrypto uuid) -lsnappy -lm -lpthread -o "$OUT/parquet_bench"

best=""
for run in 1 2 3; do
  line=$(/usr/bin/time -f "%M" -o "$OUT/floe.rss" "$OUT/parquet_bench" "$OUT/floe.parquet" "$ROWS")
  secs=$(echo "$line" | sed -E 's/.*"seconds": ([0-9.]+).*/\1/')
  if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; floe_line=$line; fi
done
floe_rss=$(cat "$OUT/floe.rss")
duck_line=$(cd "$ROOT/tests/interop" && FLOE_FILE="$OUT/floe.parquet" \
  /usr/bin/time -f '%M' -o "$OUT/duck.rss" node parquet_write_bench.mjs "$OUT/duck.parquet" "$ROWS" 3)
duck_rss=$(cat "$OUT/duck.rss")
duck_secs=$(echo "$duck_line" | sed -E 's/.*"seconds":([0-9.]+).*/\1/')
floe_bytes=$(stat -c %s "$OUT/floe.parquet")
duck_bytes=$(stat -c %s "$OUT/duck.parquet")

echo "floe:   $floe_line (process peak RSS ${floe_rss} KiB, includes the prebuilt input batches)"
echo "duckdb: $duck_line (process peak RSS ${duck_rss} KiB, includes node and the table)"
awk -v f="$best" -v d="$duck_secs" -v fb="$floe_bytes" -v db="$duck_bytes" 'BEGIN {
  printf "time ratio floe/duckdb: %.2f (floe %.3f s, duckdb %.3f s)\n", f / d, f, d;
  printf "size ratio floe/duckdb: %.3f (floe %d bytes, duckdb %d bytes)\n", fb / db, fb, db }'
