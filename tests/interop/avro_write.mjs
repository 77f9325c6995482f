// Writes Avro object container files with avsc (an independent implementation) for floe to
// read: one file per codec (null, deflate, snappy, zstandard), a schema with every type and Iceberg-style
// attributes, small blocks (many of them), and header metadata.
// Usage: node avro_write.mjs OUTDIR [COUNT]
// Writes OUTDIR/avsc_<codec>.avro; prints the file names.
import fs from 'node:fs';
import path from 'node:path';
import avsc from 'avsc';
import { encodeCodecs, typeFor } from './avro_common.mjs';

const [outdir, countArg] = process.argv.slice(2);
const count = Number(countArg || 300);

const schema = {
  type: 'record',
  name: 'manifest_entry',
  namespace: 'floe.interop',
  fields: [
    { name: 'status', type: 'int', 'field-id': 0 },
    { name: 'snapshot_id', type: ['null', 'long'], default: null, 'field-id': 1 },
    { name: 'flag', type: 'boolean' },
    { name: 'f', type: 'float' },
    { name: 'd', type: 'double' },
    { name: 'raw', type: 'bytes' },
    { name: 'path', type: 'string', doc: 'file location' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['DATA', 'DELETES'] } },
    { name: 'id', type: { type: 'fixed', name: 'Id16', size: 16 } },
    { name: 'nums', type: { type: 'array', items: 'long', 'element-id': 7 } },
    { name: 'props', type: { type: 'map', values: 'string', 'key-id': 8, 'value-id': 9 } },
    {
      name: 'sizes',
      type: [
        'null',
        {
          type: 'array',
          logicalType: 'map',
          items: {
            type: 'record',
            name: 'k117_v118',
            fields: [
              { name: 'key', type: 'int', 'field-id': 117 },
              { name: 'value', type: 'long', 'field-id': 118 },
            ],
          },
        },
      ],
      default: null,
      'field-id': 108,
    },
    { name: 'choice', type: ['null', 'string', 'double', 'Kind'] },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'nothing', type: 'null' },
  ],
};

function record(i) {
  const big = (1n << 62n) + BigInt(i);
  const raw = Buffer.alloc(i % 5);
  for (let k = 0; k < raw.length; k++) raw[k] = (i * 37 + k * 91) & 0xff;
  const id = Buffer.alloc(16, i & 0xff);
  const choices = [
    null,
    { string: `c\u00e9-${i}` },
    { double: i / 7 },
    { 'floe.interop.Kind': 'DELETES' },
  ];
  return {
    status: (i % 3) - 1,
    snapshot_id: i % 2 ? { long: i % 4 === 1 ? -big : big } : null,
    flag: i % 2 === 0,
    f: Math.fround(i * 0.25),
    d: i === 5 ? NaN : i * 1.5 - 100,
    raw,
    path: `s3://bucket/data/${i}/"quoted"\\slash\n.parquet`,
    kind: i % 2 ? 'DELETES' : 'DATA',
    id,
    nums: Array.from({ length: i % 4 }, (_, k) => BigInt(k) * -1000000000000n),
    props: Object.fromEntries(Array.from({ length: i % 3 }, (_, k) => [`k${k}`, `v${i}`])),
    sizes:
      i % 3 === 0
        ? null
        : { array: [{ key: 1, value: BigInt(i) * 100n }, { key: 2, value: -1n }] },
    choice: choices[i % 4],
    ts: 1700000000000000n + BigInt(i),
    nothing: null,
  };
}

const type = typeFor(schema);
for (const codec of ['null', 'deflate', 'snappy', 'zstandard']) {
  const file = path.join(outdir, `avsc_${codec}.avro`);
  const enc = new avsc.streams.BlockEncoder(type, {
    codec,
    codecs: encodeCodecs,
    blockSize: 512,
    metadata: {
      'format-version': Buffer.from('2'),
      'partition-spec': Buffer.from('[{"name":"x","transform":"identity","source-id":1}]'),
    },
  });
  const out = fs.createWriteStream(file);
  const done = new Promise((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
    enc.on('error', reject);
  });
  enc.pipe(out);
  for (let i = 0; i < count; i++) enc.write(record(i));
  enc.end();
  await done;
  console.log(file);
}
