// Reads Avro files floe wrote (manifests, manifest lists) with avsc, an independent Avro
// implementation, and prints what it saw as one JSON document:
//   {"files":[{"path":..., "codec":..., "meta":{key: text}, "schema":<writer schema JSON>,
//              "records":[...]}]}
// Bytes are printed as lowercase hex; unions with null are unwrapped by avsc.
// Usage: node iceberg_read_manifest.mjs FILE...
import avsc from 'avsc';

function plain(value) {
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

function readFile(path) {
  return new Promise((resolve, reject) => {
    const result = { path, codec: null, meta: {}, schema: null, records: [] };
    const decoder = avsc.createFileDecoder(path);
    decoder.on('metadata', (type, codec, header) => {
      result.codec = codec;
      for (const [k, v] of Object.entries(header.meta)) result.meta[k] = v.toString('utf8');
      result.schema = JSON.parse(result.meta['avro.schema']);
    });
    decoder.on('data', (record) => result.records.push(plain(record)));
    decoder.on('end', () => resolve(result));
    decoder.on('error', reject);
  });
}

const files = [];
for (const path of process.argv.slice(2)) files.push(await readFile(path));
process.stdout.write(JSON.stringify({ files }) + '\n');
