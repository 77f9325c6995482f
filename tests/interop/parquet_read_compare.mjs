// Compares what floe read from Parquet files (JSON lines from `floe parquet cat --json`) with
// what DuckDB reads from the same files, value by value and exactly (64-bit integers, decimals,
// timestamps to the file's unit, NaN / infinities / -0.0, nested lists, structs and maps).
// usage: node parquet_read_compare.mjs [hyparquet:]FILE.parquet=FLOE.jsonl ...
// A "hyparquet:" prefix reads that file with hyparquet instead of DuckDB (for encodings DuckDB
// cannot read, such as BYTE_STREAM_SPLIT on integers).
// Prints "ok <rows> rows in <files> files" and exits 0, or prints mismatches and exits 1.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

// JSON parser keeping number tokens as strings (JSON.parse would round 64-bit integers).
function parseExact(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const value = () => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++; const o = {}; ws();
      if (text[i] === '}') { i++; return o; }
      for (;;) { ws(); const k = value(); ws(); i++; o[k] = value(); ws(); if (text[i++] === '}') return o; }
    }
    if (ch === '[') {
      i++; const a = []; ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) { a.push(value()); ws(); if (text[i++] === ']') return a; }
    }
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(i, j + 1)); i = j + 1; return s;
    }
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?[0-9][0-9.eE+-]*/.exec(text.slice(i, i + 64));
    if (!m) throw new Error(`bad JSON at ${i}: ${text.slice(i, i + 20)}`);
    i += m[0].length;
    return { num: m[0] };
  };
  const v = value();
  return v;
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');
function daysFromCivil(y, m, d) {
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d);
  dt.setUTCHours(0, 0, 0, 0);
  return Math.round(dt.getTime() / 86400000);
}
// "YYYY-MM-DDTHH:MM:SS[.f*][+00:00]" -> integer count of 10^-digits seconds.
function parseTimestamp(s, digits) {
  const m = /^(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(\+00:00)?$/.exec(s);
  if (!m) return null;
  const days = BigInt(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])));
  const secs = days * 86400n + BigInt(Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]));
  const frac = (m[7] || '').padEnd(digits, '0').slice(0, digits);
  return secs * 10n ** BigInt(digits) + BigInt(frac || '0');
}
function parseTime(s) {
  const m = /^(\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(s);
  if (!m) return null;
  const secs = BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
  return secs * 1000000n + BigInt((m[4] || '').padEnd(6, '0').slice(0, 6) || '0');
}
function decimalText(v, scale) {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString().padStart(scale + 1, '0');
  if (scale > 0) digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  return (neg ? '-' : '') + digits;
}
function floatEq(tok, v) {
  if (typeof tok === 'string') {
    if (tok === 'NaN') return Number.isNaN(v);
    if (tok === 'Infinity') return v === Infinity;
    if (tok === '-Infinity') return v === -Infinity;
    return false;
  }
  const x = Number(tok.num);
  return Object.is(x, v) || Object.is(Math.fround(x), v);
}

function same(f, d, path, errs) {
  const fail = (why) => { errs.push(`${path}: ${why}: floe=${JSON.stringify(f)} duckdb=${String(d)}`); };
  if (f === undefined) { fail('missing in floe output'); return; }
  if (d === null || d === undefined) { if (f !== null) fail('expected null'); return; }
  if (f === null) { fail('unexpected null'); return; }
  const kind = d.constructor ? d.constructor.name : typeof d;
  switch (kind) {
    case 'Boolean': if (f !== d) fail('boolean'); return;
    case 'BigInt': if (!f.num || BigInt(f.num) !== d) fail('integer'); return;
    case 'Number':
      if (Number.isInteger(d) && f.num && !/[.eE]/.test(f.num) && BigInt(f.num) === BigInt(d)) return;
      if (!floatEq(f, d)) fail('number');
      return;
    case 'String': if (f !== d) fail('string'); return;
    case 'DuckDBDecimalValue': if (f !== decimalText(d.value, d.scale)) fail('decimal'); return;
    case 'DuckDBBlobValue': if (f !== hex(d.bytes)) fail('binary'); return;
    case 'DuckDBUUIDValue': if (f !== d.toString()) fail('uuid'); return;
    case 'DuckDBDateValue': {
      const m = /^(-?\d{4,})-(\d\d)-(\d\d)$/.exec(f);
      if (!m || daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) !== d.days) fail('date');
      return;
    }
    case 'DuckDBTimeValue': if (parseTime(f) !== d.micros) fail('time'); return;
    case 'DuckDBTimestampValue':
    case 'DuckDBTimestampTZValue': if (parseTimestamp(f, 6) !== d.micros) fail('timestamp'); return;
    case 'DuckDBTimestampMillisecondsValue': if (parseTimestamp(f, 3) !== d.millis) fail('timestamp_ms'); return;
    case 'DuckDBTimestampNanosecondsValue': if (parseTimestamp(f, 9) !== d.nanos) fail('timestamp_ns'); return;
    case 'DuckDBIntervalValue': {
      const b = Buffer.alloc(12);
      b.writeUInt32LE(d.months, 0); b.writeUInt32LE(d.days, 4); b.writeUInt32LE(Number(d.micros / 1000n), 8);
      if (f !== b.toString('hex')) fail('interval');
      return;
    }
    case 'DuckDBListValue':
    case 'DuckDBArrayValue':
      if (!Array.isArray(f) || f.length !== d.items.length) { fail('list length'); return; }
      d.items.forEach((x, k) => same(f[k], x, `${path}[${k}]`, errs));
      return;
    case 'DuckDBStructValue':
      for (const [k, x] of Object.entries(d.entries)) same(f[k], x, `${path}.${k}`, errs);
      if (Object.keys(f).length !== Object.keys(d.entries).length) fail('struct fields');
      return;
    case 'DuckDBMapValue':
      if (!Array.isArray(f) || f.length !== d.entries.length) { fail('map size'); return; }
      d.entries.forEach((e, k) => { same(f[k].key, e.key, `${path}{${k}}.key`, errs); same(f[k].value, e.value, `${path}{${k}}.value`, errs); });
      return;
    default:
      fail(`unhandled DuckDB value ${kind}`);
  }
}

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
let rows = 0, files = 0;
const errs = [];
for (const pair of process.argv.slice(2)) {
  const [spec, js] = pair.split('=');
  const lines = readFileSync(js, 'utf8').split('\n').filter((l) => l.length > 0);
  let pq = spec, names, drows;
  if (spec.startsWith('hyparquet:')) {
    pq = spec.slice('hyparquet:'.length);
    const buf = readFileSync(pq);
    const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    names = parquetMetadata(file).schema.slice(1).map((e) => e.name);
    const objs = await parquetReadObjects({ file, compressors });
    drows = objs.map((o) => names.map((n) => o[n]));
  } else {
    const reader = await c.runAndReadAll(`SELECT * FROM read_parquet('${pq}')`);
    names = reader.columnNames();
    drows = reader.getRows();
  }
  if (drows.length !== lines.length) errs.push(`${pq}: floe read ${lines.length} rows, DuckDB ${drows.length}`);
  const n = Math.min(drows.length, lines.length);
  for (let r = 0; r < n && errs.length < 50; r++) {
    const f = parseExact(lines[r]);
    names.forEach((name, k) => same(f[name], drows[r][k], `${pq}:row ${r}:${name}`, errs));
    if (Object.keys(f).length !== names.length) errs.push(`${pq}:row ${r}: ${Object.keys(f).length} columns, DuckDB ${names.length}`);
  }
  rows += n;
  files++;
}
if (errs.length) {
  console.log(errs.slice(0, 50).join('\n'));
  process.exit(1);
}
console.log(`ok ${rows} rows in ${files} files`);
