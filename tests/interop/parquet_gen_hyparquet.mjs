// Generates Parquet files with hyparquet-writer: data page v2 only, many small pages per column
// chunk, several row groups, every encoding it writes (PLAIN, RLE booleans, RLE_DICTIONARY,
// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT), nulls, and
// the codecs it can write here (uncompressed, snappy, gzip and brotli via node:zlib).
// usage: node parquet_gen_hyparquet.mjs OUTDIR [--rows N]  -> prints one file path per line
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetWriteFile } from 'hyparquet-writer';

const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: node parquet_gen_hyparquet.mjs OUTDIR');
  process.exit(2);
}
const rowsAt = process.argv.indexOf('--rows');
const rows = rowsAt > 0 ? Number(process.argv[rowsAt + 1]) : 3000;
const nul = (k, i, v) => ((i * 13 + k) % 9 === 0 ? null : v);
const ints = Array.from({ length: rows }, (_, i) => nul(1, i, ((i * 7919) % 200001) - 100000));
const bigs = Array.from({ length: rows }, (_, i) => nul(2, i, i % 11 === 0 ? -9223372036854775808n : BigInt(i) * 1000000007n - 5n));
const dbls = Array.from({ length: rows }, (_, i) => nul(3, i, i % 17 === 0 ? -0 : i / 7 - 100));
const flts = Array.from({ length: rows }, (_, i) => nul(4, i, Math.fround(i * 0.37)));
const strs = Array.from({ length: rows }, (_, i) => nul(5, i, i % 10 === 0 ? '' : `key-${String(i % 700).padStart(5, '0')}-${'x'.repeat(i % 5)}`));
const lowc = Array.from({ length: rows }, (_, i) => nul(6, i, ['red', 'green', 'blue'][i % 3]));
const bools = Array.from({ length: rows }, (_, i) => nul(7, i, i % 3 === 1));
const reqi = Array.from({ length: rows }, (_, i) => i);

const columns = () => [
  { name: 'req_int', data: reqi, type: 'INT32', nullable: false, encoding: 'DELTA_BINARY_PACKED' },
  { name: 'i32_plain', data: ints, type: 'INT32', encoding: 'PLAIN' },
  { name: 'i32_delta', data: ints, type: 'INT32', encoding: 'DELTA_BINARY_PACKED' },
  { name: 'i32_dict', data: ints.map((v) => (v === null ? null : v % 50)), type: 'INT32' },
  { name: 'i64_delta', data: bigs, type: 'INT64', encoding: 'DELTA_BINARY_PACKED' },
  { name: 'i64_bss', data: bigs, type: 'INT64', encoding: 'BYTE_STREAM_SPLIT' },
  { name: 'f64_bss', data: dbls, type: 'DOUBLE', encoding: 'BYTE_STREAM_SPLIT' },
  { name: 'f64_plain', data: dbls, type: 'DOUBLE', encoding: 'PLAIN' },
  { name: 'f32_bss', data: flts, type: 'FLOAT', encoding: 'BYTE_STREAM_SPLIT' },
  { name: 's_plain', data: strs, type: 'STRING', encoding: 'PLAIN' },
  { name: 's_delta_len', data: strs, type: 'STRING', encoding: 'DELTA_LENGTH_BYTE_ARRAY' },
  { name: 's_delta', data: strs, type: 'STRING', encoding: 'DELTA_BYTE_ARRAY' },
  { name: 's_dict', data: lowc, type: 'STRING' },
  { name: 'b_plain', data: bools, type: 'BOOLEAN', encoding: 'PLAIN' },
  { name: 'b_rle', data: bools, type: 'BOOLEAN', encoding: 'RLE' },
];

const codecs = {
  UNCOMPRESSED: undefined,
  SNAPPY: undefined,
  GZIP: (b) => new Uint8Array(gzipSync(b)),
  BROTLI: (b) => new Uint8Array(brotliCompressSync(b)),
};
for (const [codec, fn] of Object.entries(codecs)) {
  const filename = `${outdir}/hyparquet_${codec.toLowerCase()}.parquet`;
  parquetWriteFile({
    filename,
    columnData: columns(),
    codec,
    compressors: fn ? { [codec]: fn } : undefined,
    pageSize: 700,
    rowGroupSize: [500, 1200],
    kvMetadata: [{ key: 'generator', value: 'hyparquet-writer' }],
  });
  console.log(filename);
}
