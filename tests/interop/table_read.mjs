// An Iceberg (format v2) table reader independent of floe: the metadata JSON parsed here, the
// manifest list and manifests read with avsc, the data and delete files read with DuckDB.
// SNAPSHOT below is one of --snapshot ID, --ref NAME, --as-of MS (default: the current one).
//   node table_read.mjs read METADATA.json [SNAPSHOT]
//       the live data and delete files of the snapshot and its rows projected onto the table's
//       current schema by field id, deletes applied by the spec's scan planning rules:
//       {"snapshot_id","columns","files","delete_files","rows","count","problems"}; rows are
//       arrays of DuckDB's text form of each value (UTC), sorted.
//   node table_read.mjs compare METADATA.json SCAN.parquet|SCAN.csv [SNAPSHOT]
//                       [--files FILES.json] [--expect-count N] [--cache FILE]
//                       [--prev ID|empty [--minus SQL] [--minus-keys FILE --on COLS] [--plus FILE]...]
//       the same read compared with another reader's rows (floe's scan output, columns by name,
//       typed by the current schema) with EXCEPT ALL both ways; with --files, the live data
//       files and the delete files applied to each against `floe table files --json`; with
//       --prev, the rows against what an operation should have made of snapshot ID (read the
//       same way): its rows without those matching the SQL predicate (current column names)
//       or sharing an --on key with FILE, plus the rows of each --plus file (Parquet or CSV).
//       {"ok", "count", "other_count", "missing", "extra", samples, "problems"}; ok is false
//       and "problems" says why on any difference. --cache FILE remembers the data files whose
//       partition, metrics and record count were checked, so later runs skip those checks.
//   node table_read.mjs reachable METADATA.json
//       {"files": every manifest list, manifest, live data and delete file of every snapshot}
//   node table_read.mjs expired REACHABLE_BEFORE.json NEW_METADATA.json
//       after snapshot expiry: every file some snapshot of NEW reaches must exist; every data,
//       delete, manifest and manifest list file only expired snapshots reached must be gone.
//   node table_read.mjs write OUT.parquet SQL FIELD_IDS
//       the rows of a DuckDB query with Parquet field ids (FIELD_IDS: DuckDB's struct syntax,
//       e.g. "{file_path: 2147483546, pos: 2147483545}"), as other engines write delete files:
//       {"written", "size"}.
//   node table_read.mjs gen OUT.parquet FROM TO COLUMNS K [OUT.parquet FROM TO COLUMNS K]...
//       rows i in [FROM, TO) written with DuckDB; COLUMNS is a comma list of id, v (i % 100 + K),
//       name (or label), amount, d, ts, score, each optionally NAME=DUCKDB_TYPE to cast.
//       {"written": rows in all files}
//   node table_read.mjs selftest
//       the bucket hash against the spec's examples.
// Also checked on every read ("problems"): each file's rows match its partition tuple
// (identity, bucket, truncate, year/month/day/hour computed here), its record_count, value and
// null counts and lower/upper bounds match the file; the manifest list's file and row counts,
// sequence numbers and partition summaries match the manifests; the snapshot summary's totals
// match the live files. Prints one JSON document.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import avsc from 'avsc';
import { DuckDBInstance } from '@duckdb/node-api';
import { BigLong, codecs, parseExactJson } from './avro_common.mjs';

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
await c.run(`SET TimeZone = 'UTC'`);
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
const qi = (s) => `"${String(s).replace(/"/g, '""')}"`;
const rowsOf = async (sql) => (await c.runAndReadAll(sql)).getRows();
const text = (v) =>
  typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : JSON.stringify(v);

const bigJson = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? x.toString() : x));

const POS_PATH_ID = 2147483546;
const POS_POS_ID = 2147483545;
const DELETED = 2;
const ADDED = 1;

function readAvro(path) {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
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

function duckType(t) {
  if (typeof t !== 'string') throw new Error(`nested type ${JSON.stringify(t)} is not supported`);
  const simple = {
    boolean: 'BOOLEAN',
    int: 'INTEGER',
    long: 'BIGINT',
    float: 'FLOAT',
    double: 'DOUBLE',
    date: 'DATE',
    time: 'TIME',
    timestamp: 'TIMESTAMP',
    timestamptz: 'TIMESTAMPTZ',
    timestamp_ns: 'TIMESTAMP_NS',
    timestamptz_ns: 'TIMESTAMPTZ',
    string: 'VARCHAR',
    uuid: 'UUID',
    binary: 'BLOB',
  };
  if (simple[t]) return simple[t];
  const dec = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) return `DECIMAL(${dec[1]},${dec[2]})`;
  if (/^fixed\[\d+\]$/.test(t)) return 'BLOB';
  throw new Error(`unknown Iceberg type ${t}`);
}

function loadMetadata(path) {
  const md = parseExactJson(readFileSync(path, 'utf8'));
  if (Number(md['format-version']) !== 2) throw new Error(`${path}: format-version is not 2`);
  return md;
}

function currentSchema(md) {
  const id = md['current-schema-id'];
  const s = md.schemas.find((x) => x['schema-id'] === id);
  if (!s) throw new Error(`current-schema-id ${id} not in schemas`);
  return s;
}

function pickSnapshot(md, opts) {
  let id;
  if (opts.snapshot !== undefined) id = BigInt(opts.snapshot);
  else if (opts.asOf !== undefined) {
    // the snapshot that was current at that time: the last log entry at or before it
    const at = BigInt(opts.asOf);
    const e = (md['snapshot-log'] ?? []).filter((x) => x['timestamp-ms'] <= at).pop();
    if (!e) throw new Error(`no snapshot at or before ${at}`);
    id = e['snapshot-id'];
  } else if (opts.ref !== undefined) {
    const r = md.refs?.[opts.ref];
    if (!r) throw new Error(`no ref ${opts.ref}`);
    id = r['snapshot-id'];
  } else {
    id = md['current-snapshot-id'];
    if (id === undefined || id === null || id === -1n) return null;
  }
  const snap = (md.snapshots ?? []).find((s) => s['snapshot-id'] === id);
  if (!snap) throw new Error(`snapshot ${id} not in metadata`);
  return snap;
}

// A bound or partition summary value (Iceberg single-value serialization) as a JS value:
// BigInt for int, long, date, time, timestamps (4 or 8 bytes: widened types keep old bounds) and
// decimals (unscaled), Number for float and double, a Buffer for strings (compared as bytes).
function decodeBound(type, buf) {
  if (['int', 'long', 'date', 'time', 'timestamp', 'timestamptz'].includes(type))
    return buf.length === 4 ? BigInt(buf.readInt32LE(0)) : buf.readBigInt64LE(0);
  if (type === 'double') return buf.length === 4 ? buf.readFloatLE(0) : buf.readDoubleLE(0);
  if (type === 'float') return buf.readFloatLE(0);
  if (type === 'string') return Buffer.from(buf);
  if (/^decimal/.test(type)) {
    let v = 0n;
    for (const b of buf) v = (v << 8n) | BigInt(b);
    return buf.length && buf[0] & 0x80 ? v - (1n << BigInt(8 * buf.length)) : v;
  }
  return undefined;
}

const cmp = (a, b) => (Buffer.isBuffer(a) ? Buffer.compare(a, b) : a < b ? -1 : a > b ? 1 : 0);
const show = (v) => (Buffer.isBuffer(v) ? JSON.stringify(v.toString('utf8')) : String(v));

// The type of each partition field's values, for its manifest summary bounds.
function partitionType(pf, schema) {
  const t = pf.transform;
  if (/^bucket|^year$|^month$|^day$|^hour$/.test(t)) return 'int';
  if (t === 'void') return null;
  const src = schema.fields.find((x) => x.id === pf['source-id']);
  return src && typeof src.type === 'string' ? src.type : null;
}

function partitionJs(type, v) {
  if (v === null || v === undefined) return null;
  if (type === 'string') return Buffer.from(v, 'utf8');
  if (typeof v === 'number' && type !== 'double' && type !== 'float') return BigInt(v);
  if (Buffer.isBuffer(v)) return decodeBound(type, v);
  return v;
}

// Checks a manifest list entry against its manifest: counts, sequence numbers, the spec id and
// content in the manifest's header, and the partition summaries (bounds contain every value).
function checkManifest(m, man, snap, md, problems) {
  const where = m.manifest_path;
  const live = man.records.filter((e) => e.status !== DELETED);
  const count = (status) => man.records.filter((e) => e.status === status).length;
  const rows = (status) =>
    man.records.filter((e) => e.status === status).reduce((a, e) => a + BigInt(e.data_file.record_count), 0n);
  const want = [
    ['added_files_count', BigInt(count(ADDED))],
    ['existing_files_count', BigInt(count(0))],
    ['deleted_files_count', BigInt(count(DELETED))],
    ['added_rows_count', rows(ADDED)],
    ['existing_rows_count', rows(0)],
    ['deleted_rows_count', rows(DELETED)],
  ];
  for (const [k, v] of want)
    if (m[k] !== null && m[k] !== undefined && BigInt(m[k]) !== v)
      problems.push(`${where}: manifest list ${k} ${m[k]}, the manifest has ${v}`);
  const headerSpec = man.meta['partition-spec-id'];
  if (headerSpec !== undefined && Number(headerSpec) !== m.partition_spec_id)
    problems.push(`${where}: header partition-spec-id ${headerSpec}, list says ${m.partition_spec_id}`);
  const content = man.meta.content === 'deletes' ? 1 : 0;
  if (man.meta.content !== undefined && content !== (m.content ?? 0))
    problems.push(`${where}: header content ${man.meta.content}, list says ${m.content}`);
  const snapSeq = snap['sequence-number'] ?? 0n;
  if (m.sequence_number !== undefined && m.sequence_number > snapSeq)
    problems.push(`${where}: sequence number ${m.sequence_number} above the snapshot's ${snapSeq}`);
  if (live.length && m.min_sequence_number !== undefined) {
    const seqs = live.map((e) => e.sequence_number ?? m.sequence_number);
    const min = seqs.reduce((a, b) => (b < a ? b : a));
    if (min !== m.min_sequence_number)
      problems.push(`${where}: min_sequence_number ${m.min_sequence_number}, live entries' minimum ${min}`);
  }
  const spec = (md['partition-specs'] ?? []).find((x) => Number(x['spec-id']) === m.partition_spec_id);
  const schema = currentSchema(md);
  if (!spec || !m.partitions) return;
  spec.fields.forEach((pf, i) => {
    const sum = m.partitions[i];
    const type = partitionType(pf, schema);
    if (!sum || !type) return;
    const values = man.records.map((e) => partitionJs(type, (e.data_file.partition ?? {})[pf.name]));
    const nonNull = values.filter((v) => v !== null);
    if (values.some((v) => v === null) && sum.contains_null === false)
      problems.push(`${where}: partition ${pf.name} has nulls, the summary says contains_null false`);
    if (!nonNull.length) return;
    const lo = sum.lower_bound ? decodeBound(type, sum.lower_bound) : undefined;
    const hi = sum.upper_bound ? decodeBound(type, sum.upper_bound) : undefined;
    for (const v of nonNull) {
      if ((lo !== undefined && cmp(v, lo) < 0) || (hi !== undefined && cmp(v, hi) > 0)) {
        problems.push(
          `${where}: partition ${pf.name} value ${show(v)} outside the summary [${show(lo)}, ${show(hi)}]`,
        );
        return;
      }
    }
  });
}

// Live entries of a snapshot: data and delete files with their data sequence numbers and specs.
async function liveFiles(snap, problems, md) {
  const list = await readAvro(snap['manifest-list']);
  const data = [];
  const deletes = [];
  const manifests = [];
  for (const m of list.records) {
    manifests.push(m.manifest_path);
    const man = await readAvro(m.manifest_path);
    if (md) checkManifest(m, man, snap, md, problems);
    const mseq = m.sequence_number ?? 0n;
    for (const e of man.records) {
      if (e.status === DELETED) continue;
      let seq = e.sequence_number;
      if (seq === null || seq === undefined) {
        if (e.status !== ADDED) problems.push(`${m.manifest_path}: EXISTING entry without sequence number`);
        seq = mseq;
      }
      const df = e.data_file;
      const f = {
        path: df.file_path,
        content: df.content ?? 0,
        format: df.file_format,
        seq,
        spec: m.partition_spec_id,
        partition: df.partition ?? {},
        records: df.record_count,
        equality_ids: df.equality_ids ?? null,
        referenced: df.referenced_data_file ?? null,
        metrics: df,
      };
      if ((m.content ?? 0) === 0 && f.content !== 0)
        problems.push(`${f.path}: delete file in a data manifest`);
      if ((m.content ?? 0) === 1 && f.content === 0)
        problems.push(`${f.path}: data file in a delete manifest`);
      (f.content === 0 ? data : deletes).push(f);
    }
  }
  const seen = new Set();
  for (const f of [...data, ...deletes]) {
    if (seen.has(f.path)) problems.push(`${f.path}: live in more than one entry`);
    seen.add(f.path);
  }
  return { data, deletes, manifests };
}

const kv = (arr) => new Map((arr ?? []).map((x) => [Number(x.key), x.value]));

// The SQL giving a column's min and max in the form decodeBound returns; null when unchecked.
function minMaxExprs(type, col) {
  if (['int', 'long'].includes(type)) return [`min(${col})::BIGINT`, `max(${col})::BIGINT`];
  if (type === 'date')
    return [
      `date_diff('day', DATE '1970-01-01', min(${col}))`,
      `date_diff('day', DATE '1970-01-01', max(${col}))`,
    ];
  if (['timestamp', 'timestamptz'].includes(type)) return [`epoch_us(min(${col}))`, `epoch_us(max(${col}))`];
  if (type === 'double' || type === 'float') return [`min(${col})::DOUBLE`, `max(${col})::DOUBLE`];
  if (type === 'string') return [`min(${col})::BLOB`, `max(${col})::BLOB`];
  const dec = /^decimal\(\d+,\s*(\d+)\)$/.exec(type);
  if (dec) {
    const unscaled = (e) => `(${e} * POWER(10::HUGEINT, ${dec[1]}))::HUGEINT::VARCHAR`;
    return [unscaled(`min(${col})`), unscaled(`max(${col})`)];
  }
  return null;
}

function jsValue(type, v) {
  if (v === null) return null;
  if (type === 'string') return Buffer.from(v.bytes ?? v);
  if (/^decimal/.test(type)) return BigInt(v);
  if (type === 'double' || type === 'float') return Number(v);
  return BigInt(v);
}

// Checks a data file's column metrics (value and null counts, lower and upper bounds, by field
// id) against its actual contents.
async function checkMetrics(f, schema, cols, problems) {
  const df = f.metrics;
  const values = kv(df.value_counts);
  const nulls = kv(df.null_value_counts);
  const lower = kv(df.lower_bounds);
  const upper = kv(df.upper_bounds);
  const exprs = [];
  const checks = [];
  for (const fd of schema.fields) {
    const id = Number(fd.id);
    const name = cols.get(id);
    if (name === undefined || typeof fd.type !== 'string') continue;
    const col = qi(name);
    const mm = minMaxExprs(fd.type, col);
    checks.push({ id, name: fd.name, type: fd.type, at: exprs.length, mm: !!mm });
    exprs.push(`count(*)`, `count(*) - count(${col})`, ...(mm ?? []));
  }
  if (!checks.length) return;
  const [row] = await rowsOf(`SELECT ${exprs.join(', ')} FROM read_parquet(${q(f.path)})`);
  for (const ch of checks) {
    const [n, nn, mn, mx] = row.slice(ch.at, ch.at + 4);
    const bad = (what) => problems.push(`${f.path}: ${ch.name} (field ${ch.id}) ${what}`);
    if (values.has(ch.id) && BigInt(values.get(ch.id)) !== BigInt(n))
      bad(`value_count ${values.get(ch.id)}, the file has ${n}`);
    if (nulls.has(ch.id) && BigInt(nulls.get(ch.id)) !== BigInt(nn))
      bad(`null_value_count ${nulls.get(ch.id)}, the file has ${nn}`);
    if (!ch.mm || mn === null) continue;
    const min = jsValue(ch.type, mn);
    const max = jsValue(ch.type, mx);
    if (lower.has(ch.id)) {
      const lo = decodeBound(ch.type, lower.get(ch.id));
      if (lo !== undefined && cmp(lo, min) > 0) bad(`lower bound ${show(lo)} above the minimum ${show(min)}`);
    }
    if (upper.has(ch.id)) {
      const hi = decodeBound(ch.type, upper.get(ch.id));
      if (hi !== undefined && cmp(hi, max) < 0) bad(`upper bound ${show(hi)} below the maximum ${show(max)}`);
    }
  }
}

// field id -> column name in a Parquet file (top level only).
async function fileColumns(path) {
  const r = await rowsOf(`SELECT name, field_id FROM parquet_schema(${q(path)})`);
  const map = new Map();
  for (const [name, id] of r.slice(1)) if (id !== null) map.set(Number(id), name);
  return map;
}

const partKey = (f) =>
  `${f.spec}|${Object.keys(f.partition)
    .map((k) => `${k}=${text(f.partition[k])}`)
    .join(',')}`;

function murmur3(bytes) {
  let h = 0;
  const n = bytes.length;
  const m1 = 0xcc9e2d51;
  const m2 = 0x1b873593;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, m1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, m2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const rest = n & 3;
  if (rest === 3) k ^= bytes[i + 2] << 16;
  if (rest >= 2) k ^= bytes[i + 1] << 8;
  if (rest >= 1) {
    k ^= bytes[i];
    k = Math.imul(k, m1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, m2);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

// The source value as a JS primitive (BigInt for integer-like types, string for strings) and
// the SQL expression that yields it; null when this reader does not check the type.
function sourceExpr(type, col) {
  if (['int', 'long'].includes(type)) return `CAST(${col} AS BIGINT)`;
  if (type === 'date') return `CAST(date_diff('day', DATE '1970-01-01', ${col}) AS BIGINT)`;
  if (['timestamp', 'timestamptz'].includes(type)) return `epoch_us(${col})`;
  if (type === 'string') return `CAST(${col} AS VARCHAR)`;
  return null;
}

const floorDiv = (a, b) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

function civilFromDays(days) {
  const d = new Date(Number(days) * 86400000);
  return [d.getUTCFullYear(), d.getUTCMonth()];
}

// Applies a partition transform to a source value; undefined when not checked here.
function applyTransform(transform, type, v) {
  if (v === null) return null;
  const timeLike = ['timestamp', 'timestamptz'].includes(type);
  const days = () => (type === 'date' ? v : floorDiv(v, 86400000000n));
  if (transform === 'identity') return v;
  if (transform === 'void') return null;
  let m = /^bucket\[(\d+)\]$/.exec(transform);
  if (m) {
    let bytes;
    if (typeof v === 'bigint') {
      bytes = Buffer.alloc(8);
      bytes.writeBigInt64LE(v);
    } else bytes = Buffer.from(v, 'utf8');
    return BigInt((murmur3(bytes) & 0x7fffffff) % Number(m[1]));
  }
  m = /^truncate\[(\d+)\]$/.exec(transform);
  if (m) {
    const w = BigInt(m[1]);
    if (typeof v === 'bigint') return v - (((v % w) + w) % w);
    return Array.from(v).slice(0, Number(w)).join('');
  }
  if (transform === 'day' && (timeLike || type === 'date')) return days();
  if (transform === 'hour' && timeLike) return floorDiv(v, 3600000000n);
  if ((transform === 'month' || transform === 'year') && (timeLike || type === 'date')) {
    const [y, mo] = civilFromDays(days());
    return BigInt(transform === 'year' ? y - 1970 : (y - 1970) * 12 + mo);
  }
  return undefined;
}

function partValue(p) {
  if (p === null || p === undefined) return null;
  if (typeof p === 'number') return BigInt(p);
  return p;
}

// Checks that every row of a data file maps to the file's partition tuple.
async function checkPartition(f, spec, schema, cols, problems) {
  const exprs = [];
  const checks = [];
  for (const pf of spec.fields) {
    const src = schema.fields.find((x) => x.id === pf['source-id']);
    if (!src || !Object.hasOwn(f.partition, pf.name)) continue;
    const name = cols.get(Number(pf['source-id']));
    const e = name === undefined ? 'NULL' : sourceExpr(src.type, qi(name));
    if (e === null) continue;
    checks.push({ pf, type: src.type, i: exprs.length });
    exprs.push(e);
  }
  if (!checks.length) return;
  const distinct = await rowsOf(`SELECT DISTINCT ${exprs.join(', ')} FROM read_parquet(${q(f.path)})`);
  for (const row of distinct) {
    for (const ch of checks) {
      const got = applyTransform(ch.pf.transform, ch.type, row[ch.i]);
      if (got === undefined) continue;
      const want = partValue(f.partition[ch.pf.name]);
      if (text(got) !== text(want)) {
        problems.push(
          `${f.path}: value ${text(row[ch.i])} of ${ch.pf.name} (${ch.pf.transform}) gives ` +
            `${text(got)}, the manifest says ${text(want)}`,
        );
        return;
      }
    }
  }
}

// Files whose partition tuple, metrics and record count were already checked (data files never
// change, so with --cache FILE later runs skip them): keys of file, entry and schema.
const verified = new Set();
function verifiedKey(f, schema) {
  const m = f.metrics;
  const fields = [m.record_count, m.value_counts, m.null_value_counts, m.lower_bounds, m.upper_bounds];
  return bigJson([f.path, f.spec, f.partition, schema, ...fields]);
}

// Reads a snapshot into table `into` (columns c0.. typed by the current schema).
async function readSnapshot(md, opts, into = 'ref') {
  const problems = [];
  const schema = currentSchema(md);
  const fields = schema.fields.map((f) => ({ id: Number(f.id), name: f.name, type: duckType(f.type) }));
  const colDefs = fields.map((f, i) => `c${i} ${f.type}`).join(', ');
  await c.run(`CREATE OR REPLACE TABLE ${into} (${colDefs})`);
  const snap = pickSnapshot(md, opts);
  const out = {
    snapshot_id: snap ? snap['snapshot-id'].toString() : null,
    columns: fields.map((f) => f.name),
    files: [],
    delete_files: [],
    manifests: [],
    applies: {},
    problems,
  };
  if (!snap) return out;
  const { data, deletes, manifests } = await liveFiles(snap, problems, md);
  out.manifests = manifests;
  out.files = data.map((f) => f.path).sort();
  out.delete_files = deletes.map((f) => f.path).sort();
  const specs = new Map((md['partition-specs'] ?? []).map((s) => [Number(s['spec-id']), s]));
  const deleteCols = new Map();
  for (const d of deletes) {
    if (!existsSync(d.path)) throw new Error(`delete file ${d.path} is missing`);
    deleteCols.set(d.path, await fileColumns(d.path));
  }
  for (const f of data) {
    if (String(f.format).toUpperCase() !== 'PARQUET') throw new Error(`${f.path}: format ${f.format}`);
    if (!existsSync(f.path)) throw new Error(`data file ${f.path} is missing`);
    const cols = await fileColumns(f.path);
    const key = verifiedKey(f, schema);
    if (!verified.has(key)) {
      const before = problems.length;
      const spec = specs.get(Number(f.spec));
      if (!spec) problems.push(`${f.path}: unknown partition spec ${f.spec}`);
      else await checkPartition(f, spec, schema, cols, problems);
      await checkMetrics(f, schema, cols, problems);
      const n = (await rowsOf(`SELECT count(*) FROM read_parquet(${q(f.path)})`))[0][0];
      if (BigInt(n) !== BigInt(f.records))
        problems.push(`${f.path}: record_count ${f.records}, the file has ${n} rows`);
      if (problems.length === before) verified.add(key);
    }
    const proj = fields.map((fd, i) => {
      const name = cols.get(fd.id);
      const value = name === undefined ? 'NULL' : `t.${qi(name)}`;
      return `CAST(${value} AS ${fd.type}) AS c${i}`;
    });
    const conds = [];
    for (const d of deletes) {
      const dcols = deleteCols.get(d.path);
      if (d.content === 1) {
        if (d.seq < f.seq || partKey(d) !== partKey(f)) continue;
        if (d.referenced !== null && d.referenced !== f.path) continue;
        const pc = dcols.get(POS_PATH_ID);
        const pp = dcols.get(POS_POS_ID);
        if (pc === undefined || pp === undefined) throw new Error(`${d.path}: no file_path/pos field ids`);
        conds.push({
          path: d.path,
          sql: `EXISTS (SELECT 1 FROM read_parquet(${q(d.path)}) p
            WHERE p.${qi(pc)} = ${q(f.path)} AND p.${qi(pp)} = t.file_row_number)`,
        });
      } else if (d.content === 2) {
        const dspec = specs.get(Number(d.spec));
        const global = dspec && dspec.fields.length === 0;
        if (d.seq <= f.seq || (!global && partKey(d) !== partKey(f))) continue;
        const on = [];
        for (const id of d.equality_ids ?? []) {
          const dc = dcols.get(Number(id));
          if (dc === undefined) throw new Error(`${d.path}: no column with field id ${id}`);
          const tc = cols.get(Number(id));
          on.push(`e.${qi(dc)} IS NOT DISTINCT FROM ${tc === undefined ? 'NULL' : `t.${qi(tc)}`}`);
        }
        if (!on.length) throw new Error(`${d.path}: equality delete without equality_ids`);
        conds.push({
          path: d.path,
          sql: `EXISTS (SELECT 1 FROM read_parquet(${q(d.path)}) e WHERE ${on.join(' AND ')})`,
        });
      } else {
        throw new Error(`${d.path}: content ${d.content}`);
      }
    }
    // Which applicable delete files remove rows of this file (a scan must apply those).
    out.applies[f.path] = { applicable: conds.map((d) => d.path), removing: [] };
    for (const d of conds) {
      const hit = (await rowsOf(`SELECT count(*) FROM read_parquet(${q(f.path)}, file_row_number = true) t
          WHERE ${d.sql}`))[0][0];
      if (BigInt(hit) > 0n) out.applies[f.path].removing.push(d.path);
    }
    const where = ['true', ...conds.map((d) => `NOT ${d.sql}`)].join(' AND ');
    await c.run(`INSERT INTO ${into} SELECT ${proj.join(', ')}
        FROM read_parquet(${q(f.path)}, file_row_number = true) t WHERE ${where}`);
  }
  const sum = snap.summary ?? {};
  const check = (key, value) => {
    if (sum[key] !== undefined && BigInt(sum[key]) !== BigInt(value))
      problems.push(`summary ${key} is ${sum[key]}, the live files say ${value}`);
  };
  check('total-data-files', data.length);
  check('total-delete-files', deletes.length);
  check(
    'total-records',
    data.reduce((a, f) => a + BigInt(f.records), 0n),
  );
  return out;
}

async function textRows(table, n) {
  const cols = Array.from({ length: n }, (_, i) => `CAST(c${i} AS VARCHAR)`);
  const r = await rowsOf(`SELECT ${cols.join(', ') || 'NULL'} FROM ${table}`);
  return r.map((row) => row.slice(0, n)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function parseOpts(args) {
  const o = { pos: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--snapshot') o.snapshot = args[++i];
    else if (a === '--ref') o.ref = args[++i];
    else if (a === '--as-of') o.asOf = args[++i];
    else if (a === '--files') o.files = args[++i];
    else if (a === '--cache') o.cache = args[++i];
    else if (a === '--expect-count') o.expect = Number(args[++i]);
    else if (a === '--prev') o.prev = args[++i];
    else if (a === '--minus') o.minus = args[++i];
    else if (a === '--minus-keys') o.minusKeys = args[++i];
    else if (a === '--on') o.on = args[++i].split(',');
    else if (a === '--plus') (o.plus ??= []).push(args[++i]);
    else o.pos.push(a);
  }
  return o;
}

async function count(table) {
  return Number((await rowsOf(`SELECT count(*) FROM ${table}`))[0][0]);
}

// A Parquet or CSV file as rows of the current schema: columns by name, cast to the current
// types, absent columns NULL.
async function fileRows(path, fields) {
  const src = path.endsWith('.csv')
    ? `read_csv(${q(path)}, header = true, all_varchar = true)`
    : `read_parquet(${q(path)})`;
  const names = (await c.runAndReadAll(`SELECT * FROM ${src} LIMIT 0`)).columnNames();
  const proj = fields.map((f, i) =>
    names.includes(f.name) ? `CAST(${qi(f.name)} AS ${f.type}) AS c${i}` : `CAST(NULL AS ${f.type}) AS c${i}`,
  );
  return { names, sql: `SELECT ${proj.join(', ')} FROM ${src}` };
}

// What the snapshot should hold, from an earlier one: --prev ID (or "empty"), without the rows
// matching --minus SQL (over current column names) or sharing an --on key with --minus-keys
// FILE, plus the rows of each --plus FILE.
async function expected(md, opts, fields) {
  const named = fields.map((f, i) => `c${i} AS ${qi(f.name)}`).join(', ');
  const back = fields.map((f, i) => `${qi(f.name)} AS c${i}`).join(', ');
  if (opts.prev === 'empty')
    await c.run(`CREATE TABLE base AS SELECT * FROM ref WHERE false`);
  else await readSnapshot(md, { snapshot: opts.prev }, 'base');
  let sql = `SELECT ${back} FROM (SELECT ${named} FROM base) b WHERE true`;
  if (opts.minus) sql += ` AND NOT coalesce((${opts.minus}), false)`;
  if (opts.minusKeys) {
    const k = await fileRows(opts.minusKeys, fields);
    const on = opts.on.map((col) => `k.${qi(col)} IS NOT DISTINCT FROM b.${qi(col)}`).join(' AND ');
    sql += ` AND NOT EXISTS (SELECT 1 FROM (SELECT ${named} FROM (${k.sql})) k WHERE ${on})`;
  }
  await c.run(`CREATE TABLE expected AS ${sql}`);
  for (const p of opts.plus ?? []) await c.run(`INSERT INTO expected ${(await fileRows(p, fields)).sql}`);
  await c.run(`CREATE TABLE exp_missing AS SELECT * FROM expected EXCEPT ALL SELECT * FROM ref`);
  await c.run(`CREATE TABLE exp_extra AS SELECT * FROM ref EXCEPT ALL SELECT * FROM expected`);
  const n = fields.length;
  return {
    expected_count: await count('expected'),
    not_read: await count('exp_missing'),
    unexpected: await count('exp_extra'),
    not_read_sample: (await textRows('exp_missing', n)).slice(0, 5),
    unexpected_sample: (await textRows('exp_extra', n)).slice(0, 5),
  };
}

async function compare(opts) {
  const [metaPath, scanPath] = opts.pos;
  const md = loadMetadata(metaPath);
  const r = await readSnapshot(md, opts);
  const schema = currentSchema(md);
  const n = schema.fields.length;
  const fields = schema.fields.map((f) => ({ name: f.name, type: duckType(f.type) }));
  let src;
  if (scanPath.endsWith('.csv')) {
    const types = fields.map((f) => `${q(f.name)}: ${q(f.type)}`).join(', ');
    src = `read_csv(${q(scanPath)}, header = true, columns = {${types}})`;
  } else src = `read_parquet(${q(scanPath)})`;
  const names = (await c.runAndReadAll(`SELECT * FROM ${src} LIMIT 0`)).columnNames();
  const problems = r.problems;
  if (JSON.stringify(names) !== JSON.stringify(fields.map((f) => f.name)))
    problems.push(
      `scan columns ${JSON.stringify(names)}, the current schema has ${JSON.stringify(r.columns)}`,
    );
  const proj = fields.map((f, i) =>
    names.includes(f.name) ? `CAST(${qi(f.name)} AS ${f.type}) AS c${i}` : `CAST(NULL AS ${f.type}) AS c${i}`,
  );
  await c.run(`CREATE TABLE other AS SELECT ${proj.join(', ') || '1 AS c0'} FROM ${src}`);
  await c.run(`CREATE TABLE missing AS SELECT * FROM ref EXCEPT ALL SELECT * FROM other`);
  await c.run(`CREATE TABLE extra AS SELECT * FROM other EXCEPT ALL SELECT * FROM ref`);
  const out = {
    ok: false,
    snapshot_id: r.snapshot_id,
    columns: r.columns,
    count: await count('ref'),
    other_count: await count('other'),
    files: r.files.length,
    delete_files: r.delete_files.length,
    manifests: r.manifests.length,
    missing: await count('missing'),
    extra: await count('extra'),
    missing_sample: (await textRows('missing', n)).slice(0, 5),
    extra_sample: (await textRows('extra', n)).slice(0, 5),
    problems,
  };
  if (out.missing || out.extra)
    problems.push(`rows differ: ${out.missing} only in this reader, ${out.extra} only in the scan`);
  if (opts.prev !== undefined) {
    const e = await expected(md, opts, fields);
    Object.assign(out, e);
    if (e.not_read || e.unexpected)
      problems.push(
        `snapshot differs from the expected change of ${opts.prev}: ${e.not_read} expected rows ` +
          `not read, ${e.unexpected} rows not expected`,
      );
  }
  if (opts.expect !== undefined && out.count !== opts.expect)
    problems.push(`expected ${opts.expect} rows, read ${out.count}`);
  if (opts.files) {
    const listed = JSON.parse(readFileSync(opts.files, 'utf8'));
    const dataSet = [...new Set(listed.map((f) => f.path))].sort();
    if (JSON.stringify(dataSet) !== JSON.stringify(r.files))
      problems.push(
        `files --json lists ${JSON.stringify(dataSet.filter((p) => !r.files.includes(p)))} not live, ` +
          `misses live ${JSON.stringify(r.files.filter((p) => !dataSet.includes(p)))}`,
      );
    // floe may leave out a delete file its metrics prove irrelevant, never one removing rows
    for (const f of listed) {
      const mine = r.applies[f.path];
      if (!mine) continue;
      const theirs = (f['delete-files'] ?? []).map((d) => d.path ?? d);
      const wrong = theirs.filter((p) => !mine.applicable.includes(p));
      const left = mine.removing.filter((p) => !theirs.includes(p));
      if (wrong.length || left.length)
        problems.push(
          `${f.path}: files --json applies deletes ${JSON.stringify(theirs)}; by the spec ` +
            `${JSON.stringify(mine.applicable)} apply, ${JSON.stringify(mine.removing)} remove rows`,
        );
    }
  }
  out.ok = problems.length === 0;
  return out;
}

// Every file a snapshot of the metadata reaches: manifest lists, manifests, data and deletes.
async function reachable(md) {
  const all = new Set();
  for (const s of md.snapshots ?? []) {
    all.add(s['manifest-list']);
    const { data, deletes, manifests } = await liveFiles(s, []);
    for (const p of manifests) all.add(p);
    for (const f of [...data, ...deletes]) all.add(f.path);
  }
  return all;
}

async function expired(opts) {
  const [beforePath, newPath] = opts.pos;
  const before = new Set(JSON.parse(readFileSync(beforePath, 'utf8')).files);
  const after = await reachable(loadMetadata(newPath));
  const missing = [...after].filter((p) => !existsSync(p)).sort();
  const left = [...before].filter((p) => !after.has(p) && existsSync(p)).sort();
  const gone = [...before].filter((p) => !after.has(p)).length;
  const problems = [];
  if (missing.length) problems.push(`reachable files missing: ${JSON.stringify(missing)}`);
  if (left.length)
    problems.push(`files only expired snapshots reached are still there: ${JSON.stringify(left)}`);
  return { ok: problems.length === 0, before: before.size, after: after.size, unreachable: gone, problems };
}

async function gen(opts) {
  if (opts.pos.length % 5 !== 0) throw new Error('gen: arguments come in fives');
  let written = 0;
  for (let i = 0; i < opts.pos.length; i += 5) written += await genOne(...opts.pos.slice(i, i + 5));
  return { written };
}

async function genOne(out, from, to, columns, offset) {
  const k = Number(offset);
  const exprs = {
    id: 'i::BIGINT',
    v: `((i % 100) + ${k})::INTEGER`,
    name: `CASE WHEN i % 13 = 0 THEN NULL ELSE 'n' || (i % 7)::VARCHAR END`,
    amount: '(i * 0.25)::DECIMAL(10,2)',
    d: `DATE '2024-01-01' + (i % 40)::INTEGER`,
    ts: `TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * INTERVAL 37 SECOND + (i % 3) * INTERVAL 1 MICROSECOND`,
    score: `CASE WHEN i % 11 = 0 THEN NULL ELSE i / 8.0 END::DOUBLE`,
  };
  exprs.label = exprs.name;
  const sel = columns.split(',').map((spec) => {
    const [name, type] = spec.split('=');
    if (!exprs[name]) throw new Error(`gen: unknown column ${name}`);
    return `${type ? `CAST(${exprs[name]} AS ${type})` : exprs[name]} AS ${qi(name)}`;
  });
  await c.run(`COPY (SELECT ${sel.join(', ')} FROM range(${Number(from)}, ${Number(to)}) t(i))
      TO ${q(out)} (FORMAT parquet)`);
  return Number(to) - Number(from);
}

// The spec's bucket hash examples (Appendix B), so a wrong hash here cannot pass silently.
function selftest() {
  const long = (v) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    return b;
  };
  const days = BigInt((Date.UTC(2017, 10, 16) / 86400000) | 0);
  const got = [
    murmur3(long(34n)),
    murmur3(long(days)),
    murmur3(Buffer.from('iceberg', 'utf8')),
    murmur3(Buffer.from([0, 1, 2, 3])),
  ];
  const want = [2017239379, -653330422, 1210000089, -188683207];
  return { ok: JSON.stringify(got) === JSON.stringify(want), got, want };
}

const [mode, ...rest] = process.argv.slice(2);
const opts = parseOpts(rest);
if (opts.cache && existsSync(opts.cache))
  for (const k of JSON.parse(readFileSync(opts.cache, 'utf8'))) verified.add(k);
try {
  let result;
  if (mode === 'read') {
    const r = await readSnapshot(loadMetadata(opts.pos[0]), opts);
    r.rows = await textRows('ref', r.columns.length);
    r.count = r.rows.length;
    result = r;
  } else if (mode === 'compare') result = await compare(opts);
  else if (mode === 'reachable') result = { files: [...(await reachable(loadMetadata(opts.pos[0])))].sort() };
  else if (mode === 'expired') result = await expired(opts);
  else if (mode === 'gen') result = await gen(opts);
  else if (mode === 'write') {
    const [out, sql, ids] = opts.pos;
    await c.run(`COPY (${sql}) TO ${q(out)} (FORMAT parquet, FIELD_IDS ${ids})`);
    const n = (await rowsOf(`SELECT count(*) FROM read_parquet(${q(out)})`))[0][0];
    result = { written: Number(n), size: statSync(out).size };
  }
  else if (mode === 'selftest') result = selftest();
  else {
    console.error('usage: table_read.mjs read|compare|expired|gen ... (see the header comment)');
    process.exit(2);
  }
  if (opts.cache) writeFileSync(opts.cache, JSON.stringify([...verified]));
  console.log(bigJson(result));
} catch (e) {
  console.log(bigJson({ ok: false, error: String(e.stack ?? e) }));
  process.exit(1);
}
