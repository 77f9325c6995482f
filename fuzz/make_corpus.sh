#!/bin/sh
# Regenerates the seed corpus for fuzz/fuzz_parquet.c: small Parquet files (each < 20 KB)
# written by DuckDB (format v1 + snappy, v2 + zstd: every type, nested lists/structs/maps,
# dictionary, delta and byte-stream-split encodings) and by hyparquet-writer (data page v2,
# many pages). Needs node and the npm packages in tests/interop (scripts/setup.sh).
# Files named regression_*.parquet are inputs that once crashed the reader; they are kept
# in the corpus by hand and not regenerated here.
# usage: fuzz/make_corpus.sh   (from anywhere)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/fuzz/corpus/parquet"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
node "$root/tests/interop/parquet_gen_duckdb.mjs" "$tmp" --small >/dev/null
node "$root/tests/interop/parquet_gen_hyparquet.mjs" "$tmp" --rows 120 >/dev/null
cp "$tmp/small_v1.parquet" "$out/duckdb_v1_snappy.parquet"
cp "$tmp/small_v2.parquet" "$out/duckdb_v2_zstd.parquet"
cp "$tmp/hyparquet_snappy.parquet" "$out/hyparquet_v2_snappy.parquet"
cp "$tmp/hyparquet_uncompressed.parquet" "$out/hyparquet_v2_plain.parquet"
for f in "$out"/*.parquet; do
    size=$(wc -c < "$f")
    if [ "$size" -ge 20480 ]; then
        echo "make_corpus: $f is $size bytes (limit 20 KB)" >&2
        exit 1
    fi
done
ls -l "$out"
