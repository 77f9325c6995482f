// Reads a Parquet file written by floe with DuckDB (and optionally hyparquet) and compares
// every value with the expected rows the C test wrote.
// usage: node parquet_write_check.mjs FILE.parquet EXPECTED.json [--hyparquet]
// EXPECTED.json: {"columns": ["a", ...], "rows": [[v, ...], ...]} where each value is null,
// a string (integers, decimals as unscaled integers, dates as days, times and timestamps as
// integers in their unit, floats as "%.17g"/"nan"/"inf"/"-inf"/"-0", binaries as lower hex,
// uuids as canonical text, booleans "true"/"false"), an array (list), an object (struct) or
// {"$map": [[k, v], ...]}.
// Prints JSON: {"rows": N, "mismatches": [...], "schema": [...], "metadata": [...],
// "kv": {...}, "hyparquet_rows": N, "hyparquet_mismatches": [...]}
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [file, expectedPath] = process.argv.slice(2);
const wantHy = process.argv.includes('--hyparquet');
const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function canon(v) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return v; // compared numerically against the expected text
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      break;
  }
  const name = v.constructor && v.constructor.name;
  switch (name) {
    case 'DuckDBDecimalValue':
      return v.value.toString();
    case 'DuckDBTimestampValue':
    case 'DuckDBTimestampTZValue':
    case 'DuckDBTimeValue':
      return v.micros.toString();
    case 'DuckDBTimestampNanosecondsValue':
    case 'DuckDBTimeNSValue':
      return v.nanos.toString();
    case 'DuckDBTimestampMillisecondsValue':
      return v.millis.toString();
    case 'DuckDBDateValue':
      return String(v.days);
    case 'DuckDBBlobValue':
      return hex(v.bytes);
    case 'DuckDBUUIDValue':
      return v.toString();
    case 'DuckDBListValue':
    case 'DuckDBArrayValue':
      return v.items.map(canon);
    case 'DuckDBStructValue': {
      const o = {};
      for (const [k, x] of Object.entries(v.entries)) o[k] = canon(x);
      return o;
    }
    case 'DuckDBMapValue':
      return { $map: v.entries.map((e) => [canon(e.key), canon(e.value)]) };
    default:
      if (v instanceof Uint8Array) return hex(v);
      if (Array.isArray(v)) return v.map(canon);
      return String(v);
  }
}

function numFromText(s) {
  if (s === 'nan') return NaN;
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === '-0') return -0;
  return Number(s);
}

function same(actual, exp) {
  if (exp === null || actual === null) return exp === actual;
  if (typeof actual === 'number') return typeof exp === 'string' && Object.is(actual, numFromText(exp));
  if (typeof exp === 'string') return actual === exp;
  if (Array.isArray(exp)) {
    return Array.isArray(actual) && actual.length === exp.length && exp.every((e, i) => same(actual[i], e));
  }
  if (exp.$map) {
    return actual && actual.$map && same(actual.$map, exp.$map);
  }
  const keys = Object.keys(exp);
  return typeof actual === 'object' && !Array.isArray(actual) &&
    Object.keys(actual).length === keys.length && keys.every((k) => same(actual[k], exp[k]));
}

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const q = (sql) => c.runAndReadAll(sql);
const lit = `'${file.replace(/'/g, "''")}'`;

const out = { rows: 0, mismatches: [] };
const cols = expected.columns.map((n) => `"${n.replace(/"/g, '""')}"`).join(', ');
const res = await q(`SELECT ${cols} FROM read_parquet(${lit})`);
const rows = res.getRows();
out.rows = rows.length;
if (rows.length !== expected.rows.length) {
  out.mismatches.push(`row count ${rows.length} != expected ${expected.rows.length}`);
}
for (let r = 0; r < Math.min(rows.length, expected.rows.length) && out.mismatches.length < 10; r++) {
  for (let k = 0; k < expected.columns.length; k++) {
    const a = canon(rows[r][k]);
    const e = expected.rows[r][k];
    if (!same(a, e)) {
      out.mismatches.push({ row: r, column: expected.columns[k], actual: a, expected: e });
      if (out.mismatches.length >= 10) break;
    }
  }
}
out.schema = (await q(`SELECT name, type, type_length, repetition_type, num_children,
    converted_type, scale, precision, field_id, logical_type FROM parquet_schema(${lit})`)).getRowObjectsJson();
out.metadata = (await q(`SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, type,
    stats_min_value, stats_max_value, stats_null_count, num_values, compression, encodings,
    dictionary_page_offset, data_page_offset, total_compressed_size, total_uncompressed_size
    FROM parquet_metadata(${lit}) ORDER BY row_group_id, column_id`)).getRowObjectsJson();
const kv = (await q(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${lit})`)).getRowObjectsJson();
out.kv = Object.fromEntries(kv.map((r) => [r.key, r.value]));
const fm = (await q(`SELECT created_by, num_rows, num_row_groups FROM parquet_file_metadata(${lit})`)).getRowObjectsJson();
out.file = fm[0];

if (wantHy) {
  const { parquetReadObjects } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const buf = readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const hrows = await parquetReadObjects({ file: ab, compressors, utf8: true });
  out.hyparquet_rows = hrows.length;
  out.hyparquet_mismatches = [];
  // Only the columns named in expected.hyparquet_columns (flat types hyparquet maps plainly).
  const hcols = expected.hyparquet_columns || [];
  for (let r = 0; r < Math.min(hrows.length, expected.rows.length) && out.hyparquet_mismatches.length < 10; r++) {
    for (const name of hcols) {
      const k = expected.columns.indexOf(name);
      const a = canon(hrows[r][name]);
      const e = expected.rows[r][k];
      if (!same(a, e)) out.hyparquet_mismatches.push({ row: r, column: name, actual: a, expected: e });
    }
  }
}
console.log(JSON.stringify(out));
