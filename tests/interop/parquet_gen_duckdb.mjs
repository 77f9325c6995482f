// Generates Parquet files with DuckDB covering every type DuckDB writes, each codec, format v1
// and v2 (v2 writes DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and
// BYTE_STREAM_SPLIT), nulls everywhere, special floats, integer extremes, empty and null
// lists, maps with null values and several row groups.
// usage: node parquet_gen_duckdb.mjs OUTDIR [--big ROWS | --small]
//   default: 12 files (v1/v2 x 6 codecs) of 2500 rows plus one with field ids and kv metadata
//   --big ROWS: the performance file; --small: two small files (hostile-input seeds) and the
//   field-id file
// Prints one file path per line.
import { DuckDBInstance } from '@duckdb/node-api';

const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: node parquet_gen_duckdb.mjs OUTDIR [--big ROWS]');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();

const bigIdx = process.argv.indexOf('--big');
if (bigIdx > 0) {
  // The performance file: int64, double, string with 10k distinct values, timestamp, int32.
  const rows = Number(process.argv[bigIdx + 1] || 1000000);
  const f = `${outdir}/big.parquet`;
  await c.run(`COPY (SELECT i::BIGINT AS id, (i * 0.25)::DOUBLE AS amount,
      'customer-' || (hash(i) % 10000)::VARCHAR AS name,
      TIMESTAMP '2020-01-01' + to_microseconds(i * 1000) AS ts, (i % 100000)::INTEGER AS qty
    FROM range(${rows}) t(i)) TO '${f}' (FORMAT parquet, COMPRESSION zstd)`);
  console.log(f);
  process.exit(0);
}

// Nulls "everywhere": a deterministic ~1/7 of each column, shifted per column.
const n = (col, expr) => `CASE WHEN (i + ${col}) % 7 = 0 THEN NULL ELSE ${expr} END`;
const pick = (arr) => `(CASE i % ${arr.length} ${arr.map((v, k) => `WHEN ${k} THEN ${v}`).join(' ')} END)`;

const columns = [
  ['c_bool', n(1, '(i % 3 = 0)')],
  ['c_i8', n(2, pick(['(-128)::TINYINT', '127::TINYINT', '0::TINYINT', '(i % 100)::TINYINT']))],
  ['c_i16', n(3, pick(['(-32768)::SMALLINT', '32767::SMALLINT', '(i % 1000)::SMALLINT']))],
  ['c_i32', n(4, pick(['(-2147483648)::INTEGER', '2147483647::INTEGER', '(i * 7919 % 100000)::INTEGER', '0::INTEGER']))],
  ['c_i64', n(5, pick(['(-9223372036854775808)::BIGINT', '9223372036854775807::BIGINT', '(i * 1000003)::BIGINT', '(-i)::BIGINT']))],
  ['c_u8', n(6, pick(['255::UTINYINT', '0::UTINYINT', '(i % 200)::UTINYINT']))],
  ['c_u16', n(0, pick(['65535::USMALLINT', '(i % 60000)::USMALLINT']))],
  ['c_u32', n(1, pick(['4294967295::UINTEGER', '(i * 31)::UINTEGER']))],
  ['c_u64', n(2, pick(['18446744073709551615::UBIGINT', '(i * 1000000007)::UBIGINT', '0::UBIGINT']))],
  ['c_f32', n(3, pick(["'NaN'::FLOAT", "'inf'::FLOAT", "'-inf'::FLOAT", '(-0.0)::FLOAT', '(i / 3.0)::FLOAT', '3.4028235e38::FLOAT']))],
  ['c_f64', n(4, pick(["'NaN'::DOUBLE", "'inf'::DOUBLE", "'-inf'::DOUBLE", '(-0.0)::DOUBLE', '(i / 7.0)::DOUBLE', '1.7976931348623157e308::DOUBLE', '5e-324::DOUBLE']))],
  ['c_f32_hc', n(5, '(hash(i) % 1000000)::FLOAT / 7')],
  ['c_f64_hc', n(6, '(hash(i) % 1000000000)::DOUBLE / 3')],
  ['c_str_prefix', n(0, "'common-prefix-' || (hash(i) % 100000)::VARCHAR")],
  ['c_dec4', n(5, '(((i % 2000) - 1000) / 100.0)::DECIMAL(4,2)')],
  ['c_dec18', n(6, '(((i * 123456789) % 1000000000000 - 500000000000) / 7000.0)::DECIMAL(18,6)')],
  ['c_dec38', n(0, pick(["'-99999999999999999999999999.999999999999'::DECIMAL(38,12)", "'12345678901234567890.5'::DECIMAL(38,12)", '(i)::DECIMAL(38,12)']))],
  ['c_str', n(1, pick(["''", "'plain ascii'", "'ünïcödé ✓ 🧊'", "'tab\\there'", "'quote\" back\\\\slash'", "'s' || i::VARCHAR"]))],
  ['c_str_lowcard', n(2, "'cat-' || (i % 5)::VARCHAR")],
  ['c_blob', n(3, pick(["''::BLOB", "'\\x00\\xFF\\x10abc'::BLOB", "encode('b' || i::VARCHAR)"]))],
  ['c_date', n(4, pick(["DATE '1970-01-01'", "DATE '1969-12-31'", "DATE '2024-02-29'", "DATE '0001-01-01'", "DATE '9999-12-31'", "DATE '2000-01-01' + (i % 5000)::INTEGER"]))],
  ['c_time', n(5, pick(["TIME '00:00:00'", "TIME '23:59:59.999999'", "TIME '12:34:56.000001'"]))],
  ['c_ts', n(6, pick(["TIMESTAMP '1970-01-01 00:00:00'", "TIMESTAMP '1969-12-31 23:59:59.999999'", "TIMESTAMP '2024-06-01 12:00:00.123456'", "TIMESTAMP '1900-01-01 00:00:00' + to_microseconds(i * 987654321)"]))],
  ['c_tstz', n(0, "TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_microseconds(i * 1000001)")],
  ['c_ts_ms', n(1, "(TIMESTAMP '2001-02-03 04:05:06.789' + to_milliseconds(i))::TIMESTAMP_MS")],
  ['c_ts_ns', n(2, "(TIMESTAMP '2001-02-03 04:05:06' + to_microseconds(i))::TIMESTAMP_NS")],
  ['c_uuid', n(3, "('00000000-0000-4000-8000-' || lpad(i::VARCHAR, 12, '0'))::UUID")],
  ['c_interval', n(4, "to_months(i % 13) + to_days(i % 31) + to_milliseconds(i)")],
  ['c_enum', n(1, "CAST('a' || (i % 3)::VARCHAR AS ENUM('a0', 'a1', 'a2'))")],
  ['c_json', n(2, "json_object('k', i, 's', 'x' || i::VARCHAR)")],
  ['c_hugeint', n(3, '(i::HUGEINT * 1000000000000000::HUGEINT)')],
  ['c_list', n(5, pick(['[]::INTEGER[]', '[NULL]::INTEGER[]', '[i::INTEGER, NULL, -1]', '[i::INTEGER]']))],
  ['c_list_str', n(6, pick(["['a', NULL, '']", "[]::VARCHAR[]", "['x' || i::VARCHAR]"]))],
  ['c_list_list', n(0, pick(['[[1, 2], NULL, [], [NULL]]', '[]::INTEGER[][]', '[[i::INTEGER]]']))],
  ['c_struct', n(1, pick(["{'a': i::INTEGER, 'b': 'v' || i::VARCHAR}", "{'a': NULL, 'b': NULL}::STRUCT(a INTEGER, b VARCHAR)"]))],
  ['c_struct_nested', n(2, "{'inner': {'x': CASE WHEN i % 4 = 0 THEN NULL ELSE i::BIGINT END}, 'tags': CASE WHEN i % 5 = 0 THEN NULL ELSE ['t' || (i % 3)::VARCHAR] END}")],
  ['c_map', n(3, pick(["MAP {'k1': 1, 'k2': NULL}", "MAP {}::MAP(VARCHAR, INTEGER)", "MAP {'only': i::INTEGER}"]))],
  ['c_list_struct', n(4, pick(["[{'p': 1, 'q': 'x'}, NULL, {'p': NULL, 'q': NULL}]", "[]::STRUCT(p INTEGER, q VARCHAR)[]"]))],
];

// A file with field ids and key-value metadata (rewrite and CLI tests).
async function writeFieldIds() {
  const f = `${outdir}/duckdb_field_ids.parquet`;
  await c.run(`COPY (SELECT i::BIGINT AS id, 'n' || i::VARCHAR AS name, {'x': i::INTEGER} AS s, [i::INTEGER] AS l FROM range(300) t(i))
    TO '${f}' (FORMAT parquet, FIELD_IDS {id: 1, name: 2, s: {__duckdb_field_id: 3, x: 4}, l: {__duckdb_field_id: 5, element: 6}},
    KV_METADATA {owner: 'floe-test', purpose: 'rewrite'})`);
  console.log(f);
}

const small = process.argv.includes('--small');
const select = `SELECT i::BIGINT AS row_id, ${columns.map(([name, expr]) => `${expr} AS ${name}`).join(', ')} FROM range(${small ? 40 : 2500}) t(i)`;
if (small) {
  for (const [version, codec] of [['v1', 'snappy'], ['v2', 'zstd']]) {
    const f = `${outdir}/small_${version}.parquet`;
    await c.run(`COPY (${select}) TO '${f}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 20, PARQUET_VERSION ${version})`);
    console.log(f);
  }
  await writeFieldIds();
  process.exit(0);
}
const codecs = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'brotli'];
for (const version of ['v1', 'v2']) {
  for (const codec of codecs) {
    const f = `${outdir}/duckdb_${version}_${codec}.parquet`;
    await c.run(`COPY (${select}) TO '${f}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 1000, PARQUET_VERSION ${version})`);
    console.log(f);
  }
}
await writeFieldIds();
