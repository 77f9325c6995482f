// Reads the live data files of a floe table after an upsert with DuckDB's read_parquet.
//   node manager_upsert.mjs FILE...
// Prints the rows (id, region, v) ordered by id, region as "id:region:v;" with "-" for null,
// the same text the upsert test builds from floe's scan.
import { DuckDBInstance } from '@duckdb/node-api';

const files = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const list = `[${files.map(q).join(', ')}]`;
const sql = `SELECT id, coalesce(region, '-'), coalesce(CAST(v AS VARCHAR), '-')
  FROM read_parquet(${list}) ORDER BY id, region`;
const rows = (await c.runAndReadAll(sql)).getRows();
process.stdout.write(rows.map((r) => `${r[0]}:${r[1]}:${r[2]};`).join(''));
