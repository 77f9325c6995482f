// Checks (id BIGINT, s VARCHAR) files written by floe's writer tests with DuckDB and hyparquet.
// Each argument is FILE::D::LOW: s must be NULL when id % 13 = 0, else
// 'value-<k>-<id % 3>' with k = id % 50 for id < LOW and (id * 7919) % D after.
// usage: node parquet_write_strings.mjs FILE::D::LOW...
// Prints for one file {"rows","bad","nulls","hyparquet_bad","compression"}, for several
// {"files": [...]} of those.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const args = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();

function exact(id, s, d, low) {
  if (id % 13n === 0n) return s === null;
  const k = id < low ? id % 50n : (id * 7919n) % d;
  return s === `value-${k}-${id % 3n}`;
}

const out = [];
for (const arg of args) {
  const [f, dText, lowText] = arg.split('::');
  const d = BigInt(dText);
  const low = BigInt(lowText);
  const lit = `'${f.replace(/'/g, "''")}'`;
  const res = await c.runAndReadAll(`SELECT id, s FROM read_parquet(${lit}) ORDER BY id`);
  const rows = res.getRows();
  let bad = 0;
  let nulls = 0;
  rows.forEach(([id, s], i) => {
    if (id !== BigInt(i) || !exact(id, s, d, low)) bad++;
    if (s === null) nulls++;
  });
  const comp = (await c.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata(${lit})`)).getRows();
  const buf = readFileSync(f);
  const hy = await parquetReadObjects({
    file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), compressors, utf8: true,
  });
  let hbad = hy.length === rows.length ? 0 : 1;
  hy.forEach((r, i) => {
    if (BigInt(r.id) !== BigInt(i) || !exact(BigInt(r.id), r.s ?? null, d, low)) hbad++;
  });
  out.push({ rows: rows.length, bad, nulls, hyparquet_bad: hbad, compression: comp.map((r) => r[0]).join(',') });
}
console.log(JSON.stringify(args.length === 1 ? out[0] : { files: out }));
