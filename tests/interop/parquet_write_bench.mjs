// DuckDB side of bench/parquet_bench.sh: writes the same 1M-row table as bench/parquet_bench.c
// (id BIGINT, amount DOUBLE, name VARCHAR with ~10k distinct values, ts TIMESTAMP, qty INTEGER)
// with COPY ... (FORMAT parquet, COMPRESSION zstd) on one thread. The rows are materialised
// in a table first, so the timed COPY measures writing only (floe's bench also times only the
// writer over prebuilt Arrow batches). Prints JSON with the best time of RUNS runs, the file
// size, and a check of the file floe wrote (FLOE_FILE) read back by DuckDB.
// usage: node parquet_write_bench.mjs OUT.parquet [ROWS] [RUNS]
import { statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [out, rowsText, runsText] = process.argv.slice(2);
const rows = Number(rowsText || 1000000);
const runs = Number(runsText || 3);
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
await c.run('SET threads = 1');
const lit = `'${out.replace(/'/g, "''")}'`;
await c.run(`CREATE TABLE t AS SELECT i::BIGINT AS id, (i * 0.25)::DOUBLE AS amount,
      'customer-' || (hash(i) % 10000)::VARCHAR AS name,
      TIMESTAMP '2020-01-01' + to_microseconds(i * 1000) AS ts, (i % 100000)::INTEGER AS qty
    FROM range(${rows}) t(i)`);
let best = Infinity;
for (let r = 0; r < runs; r++) {
  const t0 = process.hrtime.bigint();
  await c.run(`COPY t TO ${lit} (FORMAT parquet, COMPRESSION zstd)`);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  best = Math.min(best, s);
}
const result = { rows, seconds: best, bytes: statSync(out).size };
if (process.env.FLOE_FILE) {
  const f = `'${process.env.FLOE_FILE.replace(/'/g, "''")}'`;
  const r = (await c.runAndReadAll(`SELECT count(*) AS n, sum(id) = ${rows}::HUGEINT * (${rows} - 1) // 2 AS ids_ok,
      count(DISTINCT name) AS names, min(ts) = TIMESTAMP '2020-01-01' AS ts_ok,
      sum(amount) = sum(id) * 0.25 AS amount_ok FROM read_parquet(${f})`)).getRowObjectsJson()[0];
  result.floe_file_check = r;
}
console.log(JSON.stringify(result));
