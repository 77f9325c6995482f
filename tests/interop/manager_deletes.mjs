// Independent check of floe's delete handling: applies Iceberg row-level deletes to data files
// with DuckDB SQL alone.
//   node manager_deletes.mjs SPEC.json
// SPEC: {"data":[{"path","seq"}], "deletes":[{"path","kind":"pos"|"eq","seq","columns"?}]}
// for an unpartitioned table. Position deletes remove (file_path, pos) rows of data files with
// seq <= the delete's; equality deletes remove rows whose columns equal (NULL equals NULL) a
// delete row, for data files with seq < the delete's. Prints the surviving ids, sorted,
// comma separated.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const qi = (s) => `"${s.replace(/"/g, '""')}"`;

const survivors = [];
for (const d of spec.data) {
  let sql = `select id from read_parquet(${q(d.path)}, file_row_number = true) t where true`;
  for (const del of spec.deletes) {
    if (del.kind === 'pos' && d.seq <= del.seq) {
      sql += ` and not exists (select 1 from read_parquet(${q(del.path)}) p
               where p.file_path = ${q(d.path)} and p.pos = t.file_row_number)`;
    } else if (del.kind === 'eq' && d.seq < del.seq) {
      const on = del.columns.map((col) => `e.${qi(col)} is not distinct from t.${qi(col)}`);
      sql += ` and not exists (select 1 from read_parquet(${q(del.path)}) e where ${on.join(' and ')})`;
    }
  }
  const rows = (await c.runAndReadAll(sql)).getRows();
  for (const r of rows) survivors.push(BigInt(r[0]));
}
survivors.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
console.log(survivors.join(','));
