// Checks with DuckDB that NEW (written by `floe parquet rewrite`) keeps ORIG's field ids (by
// column path) and key-value metadata, and holds the same rows.
// usage: node parquet_read_rewrite_check.mjs ORIG.parquet NEW.parquet  -> "ok ..." or errors
import { DuckDBInstance } from '@duckdb/node-api';

const [orig, neu] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const rows = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson();

async function fieldIds(f) {
  const out = {};
  for (const r of await rows(`SELECT name, field_id FROM parquet_schema('${f}') WHERE field_id IS NOT NULL`)) out[r.name] = r.field_id;
  return out;
}
async function kv(f) {
  const out = {};
  for (const r of await rows(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${f}')`)) out[r.k] = r.v;
  return out;
}
const errs = [];
const [fa, fb] = [await fieldIds(orig), await fieldIds(neu)];
for (const [name, id] of Object.entries(fa)) if (fb[name] !== id) errs.push(`field '${name}': id ${id} became ${fb[name]}`);
const [ka, kb] = [await kv(orig), await kv(neu)];
for (const [k, v] of Object.entries(ka)) if (k !== 'ARROW:schema' && kb[k] !== v) errs.push(`kv '${k}': '${v}' became '${kb[k]}'`);
const [na, nb] = [await rows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${orig}')`), await rows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${neu}')`)];
if (na[0].n !== nb[0].n) errs.push(`rows: ${na[0].n} became ${nb[0].n}`);
// Row-by-row equality of the text form (DuckDB's own rendering of both files).
const diff = await rows(`SELECT count(*)::INTEGER AS n FROM (
  SELECT row_number() OVER () AS rn, CAST(t AS VARCHAR) AS v FROM read_parquet('${orig}') t
  EXCEPT SELECT row_number() OVER () AS rn, CAST(t AS VARCHAR) AS v FROM read_parquet('${neu}') t)`);
if (diff[0].n !== 0) errs.push(`${diff[0].n} rows differ`);
if (Object.keys(fa).length === 0) errs.push('the original file has no field ids: nothing was checked');
if (errs.length) {
  console.log(errs.join('\n'));
  process.exit(1);
}
console.log(`ok ${Object.keys(fa).length} field ids, ${Object.keys(ka).length} kv entries, ${na[0].n} rows`);
