// Interop checks of tables the floe table manager wrote, with DuckDB and avsc.
//   node manager_duckdb.mjs gen OUT.parquet N
//       writes N rows (id BIGINT, ts TIMESTAMPTZ, region VARCHAR, amount DECIMAL(10,2)) with
//       DuckDB: id = i, ts = 2024-01-01 + (i % 5) days + i seconds, region = ['eu','us','apac'][i % 3],
//       amount = i * 0.25; NULL region when i % 17 = 0.
//   node manager_duckdb.mjs check SOURCE.parquet MANIFEST_LIST SCAN.csv
//       reads the manifest list and every manifest with avsc, every data file they name with
//       DuckDB's read_parquet, and compares the rows with SOURCE and with floe's scan (CSV).
//       Also tries DuckDB's iceberg extension (usually not installable offline).
// Prints one JSON document.
import avsc from 'avsc';
import { DuckDBInstance } from '@duckdb/node-api';
import { BigLong, codecs } from './avro_common.mjs';

const [mode, ...args] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const q = (s) => `'${s.replace(/'/g, "''")}'`;

function readAvro(path) {
  return new Promise((resolve, reject) => {
    const out = { meta: {}, records: [] };
    const typeHook = (t) => (t === 'long' || (t && t.type === 'long') ? BigLong : undefined);
    const dec = avsc.createFileDecoder(path, {
      codecs,
      parseHook: (schema) => avsc.Type.forSchema(schema, { typeHook }),
    });
    dec.on('metadata', (type, codec, header) => {
      for (const [k, v] of Object.entries(header.meta)) out.meta[k] = v.toString('utf8');
    });
    dec.on('data', (r) => out.records.push(r));
    dec.on('end', () => resolve(out));
    dec.on('error', reject);
  });
}

async function rows(sql) {
  return (await c.runAndReadAll(sql)).getRows();
}

if (mode === 'gen') {
  const [out, n] = args;
  await c.run(`SET TimeZone = 'UTC'`);
  await c.run(`COPY (SELECT i::BIGINT AS id,
      (TIMESTAMPTZ '2024-01-01 00:00:00+00' + (i % 5) * INTERVAL 1 DAY + i * INTERVAL 1 SECOND) AS ts,
      CASE WHEN i % 17 = 0 THEN NULL ELSE ['eu','us','apac'][(i % 3) + 1] END AS region,
      (i * 0.25)::DECIMAL(10,2) AS amount
    FROM range(${Number(n)}) t(i)) TO ${q(out)} (FORMAT parquet)`);
  console.log(JSON.stringify({ written: Number(n) }));
} else if (mode === 'check') {
  const [source, manifestList, scanCsv] = args;
  await c.run(`SET TimeZone = 'UTC'`);
  const list = await readAvro(manifestList);
  const files = [];
  let manifestRecords = 0;
  const fieldIdsOk = [];
  for (const m of list.records) {
    const man = await readAvro(m.manifest_path);
    for (const e of man.records) {
      if (e.status === 2) continue; // DELETED
      files.push(e.data_file.file_path);
      manifestRecords += Number(e.data_file.record_count);
    }
  }
  const fileList = `[${files.map(q).join(',')}]`;
  const cols = 'id, ts, region, amount';
  const countData = Number((await rows(`SELECT count(*) FROM read_parquet(${fileList})`))[0][0]);
  const missing = Number((await rows(`SELECT count(*) FROM (SELECT ${cols} FROM read_parquet(${q(source)})
      EXCEPT ALL SELECT ${cols} FROM read_parquet(${fileList}))`))[0][0]);
  const extra = Number((await rows(`SELECT count(*) FROM (SELECT ${cols} FROM read_parquet(${fileList})
      EXCEPT ALL SELECT ${cols} FROM read_parquet(${q(source)}))`))[0][0]);
  await c.run(`CREATE TABLE scan AS SELECT * FROM read_csv(${q(scanCsv)}, header = true,
      columns = {'id': 'BIGINT', 'ts': 'TIMESTAMPTZ', 'region': 'VARCHAR', 'amount': 'DECIMAL(10,2)'})`);
  const scanVsData = Number((await rows(`SELECT count(*) FROM (SELECT ${cols} FROM scan
      EXCEPT ALL SELECT ${cols} FROM read_parquet(${fileList}))`))[0][0]);
  const scanCount = Number((await rows(`SELECT count(*) FROM scan`))[0][0]);
  for (const f of files.slice(0, 3)) {
    const ids = await rows(`SELECT name, field_id FROM parquet_schema(${q(f)}) WHERE name <> 'schema'`);
    fieldIdsOk.push(ids.every(([, id]) => id !== null));
  }
  let icebergScan = 'unavailable';
  try {
    await c.run('LOAD iceberg');
    icebergScan = 'loaded';
  } catch (e) {
    icebergScan = 'unavailable';
  }
  console.log(JSON.stringify({
    manifest_list_snapshot: list.meta['snapshot-id'] ?? null,
    manifests: list.records.length,
    files: files.length,
    manifest_records: manifestRecords,
    data_rows: countData,
    missing,
    extra,
    scan_rows: scanCount,
    scan_not_in_data: scanVsData,
    field_ids: fieldIdsOk.every(Boolean),
    iceberg_scan: icebergScan,
  }));
} else {
  console.error('usage: manager_duckdb.mjs gen OUT N | check SOURCE MANIFEST_LIST SCAN.csv');
  process.exit(2);
}
