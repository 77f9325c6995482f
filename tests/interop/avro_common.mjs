// Shared helpers for floe's Avro interop scripts: an avsc long type backed by BigInt (exact
// 64-bit values), the snappy and zstandard codecs avsc lacks, CRC32, and a JSON parser that
// keeps integers exact.
import zlib from 'node:zlib';
import avsc from 'avsc';
import { decompress as zstdDecompress } from 'fzstd';

export const BigLong = avsc.types.LongType.__with({
  fromBuffer: (buf) => buf.readBigInt64LE(),
  toBuffer: (n) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(n));
    return b;
  },
  fromJSON: (x) => BigInt(x),
  toJSON: (n) => Number(n),
  isValid: (n) => typeof n === 'bigint',
  compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
});

export function typeFor(schema) {
  const typeHook = (s) => (s === 'long' || (s && s.type === 'long') ? BigLong : undefined);
  return avsc.Type.forSchema(schema, { typeHook, wrapUnions: true });
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function readVarint(buf, pos) {
  let v = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    v += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [v, pos];
    shift += 7;
  }
}

// Raw snappy decompression (literals and the three copy element kinds).
export function snappyUncompress(src) {
  let [len, p] = readVarint(src, 0);
  const out = Buffer.alloc(len);
  let o = 0;
  while (p < src.length) {
    const tag = src[p++];
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >> 2;
      if (n >= 60) {
        const bytes = n - 59;
        n = 0;
        for (let i = 0; i < bytes; i++) n |= src[p++] << (8 * i);
      }
      n += 1;
      src.copy(out, o, p, p + n);
      p += n;
      o += n;
      continue;
    }
    let n;
    let off;
    if (kind === 1) {
      n = 4 + ((tag >> 2) & 7);
      off = ((tag >> 5) << 8) | src[p++];
    } else if (kind === 2) {
      n = (tag >> 2) + 1;
      off = src[p] | (src[p + 1] << 8);
      p += 2;
    } else {
      n = (tag >> 2) + 1;
      off = src.readUInt32LE(p);
      p += 4;
    }
    if (off === 0 || off > o) throw new Error('bad snappy copy offset');
    for (let i = 0; i < n; i++, o++) out[o] = out[o - off];
  }
  if (o !== len) throw new Error('snappy length mismatch');
  return out;
}

// Valid raw snappy made only of literal elements (enough to produce files floe must read).
export function snappyCompressLiteral(src) {
  const parts = [];
  let len = src.length;
  const head = [];
  do {
    let b = len & 0x7f;
    len = Math.floor(len / 128);
    if (len) b |= 0x80;
    head.push(b);
  } while (len);
  parts.push(Buffer.from(head));
  for (let p = 0; p < src.length; p += 65536) {
    const chunk = src.subarray(p, Math.min(src.length, p + 65536));
    const n = chunk.length - 1;
    if (n < 60) parts.push(Buffer.from([n << 2]));
    else parts.push(Buffer.from([61 << 2, n & 0xff, (n >> 8) & 0xff]));
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export const codecs = {
  null: (buf, cb) => cb(null, buf),
  deflate: zlib.inflateRaw,
  snappy: (buf, cb) => {
    try {
      const body = buf.subarray(0, buf.length - 4);
      const out = snappyUncompress(body);
      if (crc32(out) !== buf.readUInt32BE(buf.length - 4)) throw new Error('snappy CRC mismatch');
      cb(null, out);
    } catch (e) {
      cb(e);
    }
  },
  zstandard: (buf, cb) => {
    try {
      cb(null, Buffer.from(zstdDecompress(new Uint8Array(buf))));
    } catch (e) {
      cb(e);
    }
  },
};

// A zstandard frame of raw (stored) blocks (RFC 8878 §3.1.1): valid zstd that every decoder
// must accept, written here because Node 20 has no zstd compressor and avsc none either.
export function zstdCompressStored(src) {
  const head = Buffer.alloc(9);
  head.writeUInt32LE(0xfd2fb528, 0); // magic
  head[4] = 0xa0; // Frame_Content_Size_flag = 2 (4 bytes), Single_Segment_flag = 1, no checksum
  head.writeUInt32LE(src.length, 5);
  const parts = [head];
  const max = 128 * 1024; // Block_Maximum_Size
  let off = 0;
  do {
    const n = Math.min(max, src.length - off);
    const last = off + n >= src.length ? 1 : 0;
    const v = last | (0 << 1) | (n << 3); // Last_Block, Block_Type = Raw, Block_Size
    parts.push(Buffer.from([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]), src.subarray(off, off + n));
    off += n;
  } while (off < src.length);
  return Buffer.concat(parts);
}

export const encodeCodecs = {
  null: (buf, cb) => cb(null, buf),
  deflate: zlib.deflateRaw,
  snappy: (buf, cb) => {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(buf));
    cb(null, Buffer.concat([snappyCompressLiteral(buf), crc]));
  },
  zstandard: (buf, cb) => cb(null, zstdCompressStored(buf)),
};

// JSON.parse that returns integer tokens as BigInt and other numbers as Number.
export function parseExactJson(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o = {};
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        const k = value();
        ws();
        if (text[i++] !== ':') throw new Error(`expected ':' at ${i}`);
        o[k] = value();
        ws();
        const d = text[i++];
        if (d === '}') return o;
        if (d !== ',') throw new Error(`expected ',' at ${i}`);
      }
    }
    if (c === '[') {
      i++;
      const a = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        const d = text[i++];
        if (d === ']') return a;
        if (d !== ',') throw new Error(`expected ',' at ${i}`);
      }
    }
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(i, j + 1));
      i = j + 1;
      return s;
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?|^true|^false|^null/.exec(text.slice(i));
    if (!m) throw new Error(`bad JSON at ${i}`);
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    return m[1] || m[2] ? Number(m[0]) : BigInt(m[0]);
  };
  const v = value();
  ws();
  if (i !== text.length) throw new Error(`trailing data at ${i}`);
  return v;
}
