#!/usr/bin/env bash
# Parquet benchmark: floe vs DuckDB (single thread each, zstd), measured in the same run.
#  write: both write the same 1M rows (id int64, amount double, name string with ~10k distinct
#         values, ts timestamp, qty int32) from memory (floe: prebuilt Arrow batches; DuckDB:
#         COPY of a materialised table);
#  read:  both read each of the two files fully: floe decodes every column into Arrow batches
#         and keeps them all until the end of the file; DuckDB materialises the file with
#         CREATE TABLE AS SELECT * (and, for reference, runs an aggregate over every column).
# Prints time ratios, file sizes and peak RSS (each measurement in its own process). Not a
# pass/fail test. See docs/benchmarks.md.
#
# usage: bench/parquet_bench.sh [ROWS]
#   BUILD=dir   an optimized build of floe's module libraries (default build-bench, configured
#               RelWithDebInfo here when missing)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-1000000}
BUILD=${BUILD:-$ROOT/build-bench}
OUT=${TMPDIR:-/tmp}/floe-parquet-bench
export FLOE_INTEROP_DIR=${FLOE_INTEROP_DIR:-$ROOT/tests/interop}
mkdir -p "$OUT"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOE_TESTS=OFF >/dev/null
fi
# Only the libraries the benchmark needs, so that unrelated modules cannot break it.
cmake --build "$BUILD" --target floe_parquet floe_thrift floe_arrow floe_base -j2 >/dev/null
LIBS="$BUILD/libfloe_parquet.a $BUILD/libfloe_thrift.a $BUILD/libfloe_arrow.a $BUILD/libfloe_base.a"
cc -O2 -g -std=c11 -D_DEFAULT_SOURCE -I"$ROOT/include" -I"$ROOT/src" "$ROOT/bench/parquet_bench.c" \
  $LIBS $(pkg-config --libs libzstd liblz4 zlib libbrotlienc libbrotlidec jansson yaml-0.1 \
  libcurl libcrypto uuid) -lsnappy -lm -lpthread -o "$OUT/parquet_bench"

field() { echo "$1" | sed -E "s/.*\"$2\": ?([0-9.e+-]+).*/\1/"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== write ($ROWS rows) =="
best=""
for run in 1 2 3; do
  line=$(/usr/bin/time -f "%M" -o "$OUT/floe.rss" "$OUT/parquet_bench" "$OUT/floe.parquet" "$ROWS")
  secs=$(field "$line" seconds)
  if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; floe_line=$line; fi
done
floe_rss=$(cat "$OUT/floe.rss")
duck_line=$(cd "$ROOT/tests/interop" && FLOE_FILE="$OUT/floe.parquet" \
  /usr/bin/time -f '%M' -o "$OUT/duck.rss" node parquet_write_bench.mjs "$OUT/duck.parquet" "$ROWS" 3)
duck_rss=$(cat "$OUT/duck.rss")
duck_secs=$(field "$duck_line" seconds)
floe_bytes=$(stat -c %s "$OUT/floe.parquet")
duck_bytes=$(stat -c %s "$OUT/duck.parquet")

echo "floe:   $floe_line (process peak RSS ${floe_rss} KiB, includes the prebuilt input batches)"
echo "duckdb: $duck_line (process peak RSS ${duck_rss} KiB, includes node and the table)"
awk -v f="$best" -v d="$duck_secs" -v fb="$floe_bytes" -v db="$duck_bytes" 'BEGIN {
  printf "write time ratio floe/duckdb: %.2f (floe %.3f s, duckdb %.3f s)\n", f / d, f, d;
  printf "file size ratio floe/duckdb: %.3f (floe %d bytes, duckdb %d bytes)\n", fb / db, fb, db }'

echo
echo "== read (full file into memory, best of 3) =="
/usr/bin/time -f '%M' -o "$OUT/base.rss" node "$ROOT/bench/duckdb_bench.mjs" baseline >/dev/null
echo "duckdb process floor (node + DuckDB, nothing read): $(cat "$OUT/base.rss") KiB peak RSS"
for which in floe duck; do
  file=$OUT/$which.parquet
  fl=$(/usr/bin/time -f "%M" -o "$OUT/r.rss" "$OUT/parquet_bench" --read "$file" 3)
  frss=$(cat "$OUT/r.rss")
  dl=$(/usr/bin/time -f "%M" -o "$OUT/r.rss" node "$ROOT/bench/duckdb_bench.mjs" read "$file" 3)
  drss=$(cat "$OUT/r.rss")
  fs=$(field "$fl" seconds)
  dm=$(field "$dl" materialize_seconds)
  ds=$(field "$dl" scan_seconds)
  echo "file written by $which ($(stat -c %s "$file") bytes):"
  echo "  floe:   $fl (process peak RSS $frss KiB)"
  echo "  duckdb: $dl (process peak RSS $drss KiB)"
  echo "  read time ratio floe/duckdb: $(ratio "$fs" "$dm") vs CREATE TABLE AS SELECT *," \
    "$(ratio "$fs" "$ds") vs an aggregate over every column" \
    "(floe $fs s, duckdb $dm s / $ds s)"
done
