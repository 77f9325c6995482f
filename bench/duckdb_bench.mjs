// DuckDB side of bench/parquet_bench.sh and bench/table_bench.sh, on one thread
// (SET threads = 1). DuckDB comes from tests/interop/node_modules (FLOE_INTEROP_DIR).
// Prints one JSON line; times are the best of RUNS runs, in seconds.
//
//   node duckdb_bench.mjs baseline
//       opens DuckDB and does nothing (the process's peak RSS is node + DuckDB's floor)
//   node duckdb_bench.mjs read FILE RUNS
//       full read of a Parquet file: "materialize" = CREATE TABLE AS SELECT * (every column
//       decoded into DuckDB's in-memory table, like floe's reader decoding into Arrow
//       batches that are all kept), and "scan" = an aggregate touching every column
//   node duckdb_bench.mjs copy SRC OUT RUNS PARTITIONED
//       loads SRC (Parquet files, a glob: the files floe wrote) into a table, then times
//       COPY table TO OUT (zstd); PARTITIONED=1 writes one directory per day of ts
//   node duckdb_bench.mjs filter SRC LO HI RUNS
//       SELECT count(*) over SRC (a glob) WHERE id >= LO AND id < HI AND region = 'eu'
import { createRequire } from 'node:module';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const interop = process.env.FLOE_INTEROP_DIR || new URL('../tests/interop', import.meta.url).pathname;
const require = createRequire(join(interop, 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const [mode, ...args] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
await c.run('SET threads = 1');
await c.run("SET TimeZone = 'UTC'");
const q = (s) => `'${s.replace(/'/g, "''")}'`;

async function best(runs, fn) {
  let b = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    await fn();
    b = Math.min(b, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return b;
}

function du(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return { bytes: st.size, files: 1 };
  let bytes = 0, files = 0;
  for (const e of readdirSync(path, { recursive: true })) {
    const s = statSync(join(path, e));
    if (s.isFile()) { bytes += s.size; files++; }
  }
  return { bytes, files };
}

const one = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson()[0];
let out;
if (mode === 'baseline') {
  out = { mode };
} else if (mode === 'read') {
  const [file, runsText] = args;
  const runs = Number(runsText || 3);
  const materialize = await best(runs, async () => {
    await c.run('DROP TABLE IF EXISTS r');
    await c.run(`CREATE TABLE r AS SELECT * FROM read_parquet(${q(file)})`);
  });
  const rows = Number((await one('SELECT count(*) AS n FROM r')).n);
  await c.run('DROP TABLE r');
  const scan = await best(runs, () => c.run(`SELECT count(*), sum(id), sum(amount),
      max(length(name)), max(ts), sum(qty) FROM read_parquet(${q(file)})`));
  out = { mode, file, rows, materialize_seconds: materialize, scan_seconds: scan };
} else if (mode === 'copy') {
  const [src, dst, runsText, partText] = args;
  const runs = Number(runsText || 3);
  const partitioned = partText === '1';
  await c.run(`CREATE TABLE t AS SELECT id, ts, region, amount, qty FROM read_parquet(${q(src)})`);
  const rows = Number((await one('SELECT count(*) AS n FROM t')).n);
  const types = (await c.runAndReadAll('DESCRIBE t')).getRowObjectsJson()
    .map((r) => `${r.column_name} ${r.column_type}`).join(', ');
  const seconds = await best(runs, async () => {
    rmSync(dst, { recursive: true, force: true });
    if (partitioned) {
      await c.run(`COPY (SELECT *, CAST(ts AS DATE) AS ts_day FROM t) TO ${q(dst)}
          (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (ts_day))`);
    } else {
      await c.run(`COPY t TO ${q(dst)} (FORMAT parquet, COMPRESSION zstd)`);
    }
  });
  out = { mode, rows, types, partitioned, seconds, ...du(dst) };
} else if (mode === 'filter') {
  const [src, lo, hi, runsText] = args;
  const runs = Number(runsText || 3);
  const sql = `SELECT count(*) AS n FROM read_parquet(${q(src)})
      WHERE id >= ${Number(lo)} AND id < ${Number(hi)} AND region = 'eu'`;
  const seconds = await best(runs, () => c.run(sql));
  out = { mode, matched: Number((await one(sql)).n), seconds };
} else {
  console.error('usage: node duckdb_bench.mjs baseline | read FILE RUNS | copy SRC OUT RUNS PARTITIONED | filter SRC LO HI RUNS');
  process.exit(2);
}
console.log(JSON.stringify(out));
