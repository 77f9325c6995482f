// Decodes an Avro object container file with avsc (an independent implementation) and compares
// every record with the JSON lines floe produced for the same file (Avro JSON encoding:
// unions wrapped as {"type": value}, bytes as code points 0-255, exact 64-bit integers).
// Usage: node avro_check.mjs FILE.avro FLOE.jsonl
// Prints a JSON summary {records, codec, meta, schema}; exits 1 on any difference.
import fs from 'node:fs';
import avsc from 'avsc';
import { codecs, typeFor, parseExactJson } from './avro_common.mjs';

const [file, jsonl] = process.argv.slice(2);
if (!file || !jsonl) {
  console.error('usage: node avro_check.mjs FILE.avro FLOE.jsonl');
  process.exit(2);
}

function same(a, b, path) {
  if (a === null || b === null) {
    if (a !== b) throw new Error(`${path}: avsc ${a} vs floe ${JSON.stringify(b)}`);
    return;
  }
  if (typeof a === 'bigint') {
    if (typeof b !== 'bigint' || a !== b) throw new Error(`${path}: avsc ${a} vs floe ${b}`);
    return;
  }
  if (typeof a === 'number') {
    if (Number.isNaN(a) && b === 'NaN') return;
    if (a === Infinity && b === 'Infinity') return;
    if (a === -Infinity && b === '-Infinity') return;
    const nb = typeof b === 'bigint' ? Number(b) : b;
    // floe prints a float with the fewest digits that identify the 32-bit value; avsc gives
    // that value widened to a double.
    if (typeof nb === 'number' && Math.fround(a) === a && Math.fround(nb) === a) return;
    if (typeof nb !== 'number' || nb !== a) throw new Error(`${path}: avsc ${a} vs floe ${b}`);
    return;
  }
  if (Buffer.isBuffer(a)) {
    if (typeof b !== 'string' || a.toString('latin1') !== b)
      throw new Error(`${path}: avsc bytes ${a.toString('hex')} vs floe ${JSON.stringify(b)}`);
    return;
  }
  if (typeof a !== 'object') {
    if (a !== b) throw new Error(`${path}: avsc ${JSON.stringify(a)} vs floe ${JSON.stringify(b)}`);
    return;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length)
      throw new Error(`${path}: array lengths differ`);
    a.forEach((x, i) => same(x, b[i], `${path}[${i}]`));
    return;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b || {});
  if (ka.length !== kb.length || ka.some((k) => !(k in b)))
    throw new Error(`${path}: keys differ: avsc ${ka} vs floe ${kb}`);
  for (const k of ka) same(a[k], b[k], `${path}.${k}`);
}

const lines = fs
  .readFileSync(jsonl, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map(parseExactJson);

let meta = null;
const records = [];
await new Promise((resolve, reject) => {
  avsc
    .createFileDecoder(file, { codecs, parseHook: typeFor })
    .on('metadata', (type, codec, header) => {
      const m = {};
      for (const [k, v] of Object.entries(header.meta)) m[k] = v.toString('utf8');
      meta = { codec, meta: m };
    })
    .on('data', (r) => records.push(r))
    .on('error', reject)
    .on('end', resolve);
});

try {
  if (records.length !== lines.length)
    throw new Error(`avsc read ${records.length} records, floe ${lines.length}`);
  records.forEach((r, i) => same(r, lines[i], `record ${i}`));
} catch (e) {
  console.log(`MISMATCH ${e.message}`);
  process.exit(1);
}
console.log(
  JSON.stringify({
    records: records.length,
    codec: meta.codec,
    meta: Object.fromEntries(Object.entries(meta.meta).filter(([k]) => k !== 'avro.schema')),
    schema: JSON.parse(meta.meta['avro.schema']),
  }),
);
