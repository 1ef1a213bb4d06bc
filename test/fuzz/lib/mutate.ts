/**
 * Mutations for fuzzing: generic byte-level ones (bit flips, insert/delete, truncation, chunk
 * duplication, splicing, extreme integers written over header fields) and format-aware ones
 * (numeric tokens in text formats, zip size/offset lies for 3MF, GLB chunk-length and accessor
 * lies, XML edits inside a re-zipped 3MF). Every choice comes from the Rng, so a case is its seed.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { Rng } from './prng.ts';

export const EXTREME_U32 = [0, 1, 2, 3, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x3fffffff, 0x0ccccccc];
export const EXTREME_NUMBER_TEXT = [
  '0',
  '-1',
  '1',
  '2147483647',
  '2147483648',
  '4294967295',
  '4294967296',
  '-2147483649',
  'NaN',
  'nan',
  'inf',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '1e-320',
  '9007199254740993',
  '99999999999999999999999',
  '0x1f',
  '-0',
  '',
  '.',
  '1.5',
  '-1.5',
  '3.4028236e38',
  '2000001',
  '1e6',
  '65536',
  '+',
  '1e',
  '٣',
  '0b11',
];

const textDecoder = new TextDecoder('latin1');
const isTexty = (bytes: Uint8Array) => {
  let printable = 0;
  const n = Math.min(bytes.length, 512);
  for (let i = 0; i < n; i++) if ((bytes[i] >= 32 && bytes[i] < 127) || bytes[i] === 10 || bytes[i] === 13 || bytes[i] === 9) printable++;
  return n > 0 && printable / n > 0.9;
};

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bitFlip(rng: Rng, b: Uint8Array): Uint8Array {
  if (b.length === 0) return b;
  const out = b.slice();
  const flips = rng.range(1, 8);
  for (let i = 0; i < flips; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
  return out;
}

export function insertBytes(rng: Rng, b: Uint8Array): Uint8Array {
  const at = rng.int(b.length + 1);
  const junk = rng.bool(0.5) ? rng.bytes(rng.range(1, 16)) : new Uint8Array(rng.range(1, 16)).fill(rng.pick([0, 0x20, 0x0a, 0xff, 0x3c]));
  return concat(b.subarray(0, at), junk, b.subarray(at));
}

export function deleteBytes(rng: Rng, b: Uint8Array): Uint8Array {
  if (b.length < 2) return b;
  const at = rng.int(b.length);
  const n = Math.min(b.length - at, rng.bool(0.7) ? rng.range(1, 8) : rng.range(1, Math.max(1, b.length >> 2)));
  return concat(b.subarray(0, at), b.subarray(at + n));
}

export function truncate(rng: Rng, b: Uint8Array): Uint8Array {
  return b.subarray(0, rng.int(b.length + 1)).slice();
}

export function duplicateChunk(rng: Rng, b: Uint8Array): Uint8Array {
  if (b.length === 0) return b;
  const from = rng.int(b.length);
  const n = Math.min(b.length - from, rng.range(1, 256));
  const times = rng.bool(0.9) ? 1 : rng.range(2, 64);
  const chunk = b.subarray(from, from + n);
  const at = rng.int(b.length + 1);
  return concat(b.subarray(0, at), ...Array.from({ length: times }, () => chunk), b.subarray(at));
}

export function splice(rng: Rng, a: Uint8Array, other: Uint8Array): Uint8Array {
  const cutA = rng.int(a.length + 1);
  const cutB = rng.int(other.length + 1);
  return concat(a.subarray(0, cutA), other.subarray(cutB));
}

/** Writes an extreme 8/16/32-bit integer at an offset; header offsets are favoured. */
export function overwriteInt(rng: Rng, b: Uint8Array, offsets: readonly number[] = []): Uint8Array {
  if (b.length < 4) return b;
  const out = b.slice();
  const view = new DataView(out.buffer);
  const at =
    offsets.length > 0 && rng.bool(0.7)
      ? rng.pick(offsets)
      : rng.bool(0.6)
        ? rng.int(Math.min(out.length - 3, 128))
        : rng.int(out.length - 3);
  if (at < 0 || at + 4 > out.length) return out;
  const value = rng.bool(0.85) ? rng.pick(EXTREME_U32) : rng.int(0x100000000);
  const width = rng.pick([4, 4, 4, 2, 1]);
  const little = rng.bool(0.8);
  if (width === 4) view.setUint32(at, value >>> 0, little);
  else if (width === 2) view.setUint16(at, value & 0xffff, little);
  else view.setUint8(at, value & 0xff);
  return out;
}

/** Replaces numeric tokens of a text format with extreme or malformed numbers. */
export function numericTokens(rng: Rng, b: Uint8Array): Uint8Array {
  const text = textDecoder.decode(b);
  const tokens = [...text.matchAll(/[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g)];
  if (tokens.length === 0) return b;
  const edits = new Map<number, { end: number; value: string }>();
  const count = rng.bool(0.7) ? 1 : rng.range(2, 12);
  for (let i = 0; i < count; i++) {
    const t = rng.pick(tokens);
    edits.set(t.index, { end: t.index + t[0].length, value: rng.pick(EXTREME_NUMBER_TEXT) });
  }
  let out = '';
  let at = 0;
  for (const [start, { end, value }] of [...edits].sort((x, y) => x[0] - y[0])) {
    if (start < at) continue;
    out += text.slice(at, start) + value;
    at = end;
  }
  out += text.slice(at);
  return latin1(out);
}

/** Line-level edits for text formats: drop, duplicate or swap lines, or inject a keyword line. */
export function lineEdit(rng: Rng, b: Uint8Array): Uint8Array {
  const lines = textDecoder.decode(b).split('\n');
  if (lines.length === 0) return b;
  const i = rng.int(lines.length);
  switch (rng.int(5)) {
    case 0:
      lines.splice(i, 1);
      break;
    case 1:
      lines.splice(i, 0, ...Array.from({ length: rng.range(1, 40) }, () => lines[i]));
      break;
    case 2: {
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      break;
    }
    case 3:
      lines.splice(i, 0, rng.pick(INJECTED_LINES));
      break;
    default:
      lines[i] = lines[i].slice(0, rng.int(lines[i].length + 1));
  }
  return latin1(lines.join('\n'));
}

const INJECTED_LINES = [
  'f 1 2 3',
  'f -1 -2 -3',
  'f 0 0 0',
  'f 4294967296 1 2',
  `f ${'1 '.repeat(500)}`,
  'v 1 2',
  'v nan nan nan',
  'v 1e39 1 1',
  'facet normal 0 0 0',
  'outer loop',
  'vertex 1 2 3',
  'vertex 1 2',
  'endloop',
  'endfacet',
  'endsolid',
  'solid x',
  'element face 4294967295',
  'element vertex -1',
  'element vertex 2147483648',
  'property list uchar int vertex_indices',
  'property list uint int vertex_indices',
  'property float x',
  'property list uchar float x',
  'property weird z',
  'format binary_big_endian 1.0',
  'format ascii 1.0',
  'end_header',
  `comment ${'x'.repeat(70000)}`,
  '255 0 1 2',
  '3 0 0 4294967295',
  '',
  '\r',
];

function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

// ---------- ZIP (3MF) ----------

function findSignatures(b: Uint8Array, s0: number, s1: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i++) if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === s0 && b[i + 3] === s1) out.push(i);
  return out;
}

/** Lies in the zip structure: declared sizes, offsets, name/extra lengths, methods, flags, entry count. */
export function zipLie(rng: Rng, b: Uint8Array): Uint8Array {
  type ZipRecord = { at: number; fields: ReadonlyArray<readonly [number, number]> };
  const central: ZipRecord[] = findSignatures(b, 1, 2).map((at) => ({
    at,
    fields: [
      [10, 2],
      [8, 2],
      [20, 4],
      [24, 4],
      [28, 2],
      [30, 2],
      [32, 2],
      [42, 4],
    ],
  }));
  const local: ZipRecord[] = findSignatures(b, 3, 4).map((at) => ({
    at,
    fields: [
      [8, 2],
      [6, 2],
      [18, 4],
      [22, 4],
      [26, 2],
      [28, 2],
    ],
  }));
  const eocd: ZipRecord[] = findSignatures(b, 5, 6).map((at) => ({
    at,
    fields: [
      [8, 2],
      [10, 2],
      [12, 4],
      [16, 4],
      [20, 2],
    ],
  }));
  const records = rng.bool(0.6) ? central : rng.bool(0.5) ? local : eocd;
  if (records.length === 0) return overwriteInt(rng, b);
  const record = rng.pick(records);
  const [offset, width] = rng.pick(record.fields);
  const out = b.slice();
  const view = new DataView(out.buffer);
  if (record.at + offset + width > out.length) return out;
  let value = rng.bool(0.8) ? rng.pick(EXTREME_U32) : rng.int(0x100000000);
  // Sizes that lie only a little are the interesting ones for "inflate stops at the declared size".
  if (rng.bool(0.3))
    value = Math.max(
      0,
      (width === 4 ? view.getUint32(record.at + offset, true) : view.getUint16(record.at + offset, true)) + rng.range(-64, 64),
    );
  if (width === 4) view.setUint32(record.at + offset, value >>> 0, true);
  else view.setUint16(record.at + offset, value & 0xffff, true);
  // Zip64: mark a size as saturated so the extra field is consulted.
  if (rng.bool(0.1) && record.fields.length === 8 && record.at + 28 <= out.length) view.setUint32(record.at + 24, 0xffffffff, true);
  return out;
}

/** Unzips a 3MF, edits its XML (numeric tokens, tags, components, units, rels) and zips it again. */
export function threeMfXml(rng: Rng, b: Uint8Array): Uint8Array {
  try {
    return editThreeMfXml(rng, b);
  } catch {
    return b; // not a zip fflate can take apart, or not UTF-8: leave it to the byte mutations
  }
}

function editThreeMfXml(rng: Rng, b: Uint8Array): Uint8Array {
  const files = unzipSync(b);
  const names = Object.keys(files);
  if (names.length === 0) return b;
  const name = rng.bool(0.8) ? (names.find((n) => n.toLowerCase().endsWith('.model')) ?? rng.pick(names)) : rng.pick(names);
  let xml = strFromU8(files[name]);
  switch (rng.int(8)) {
    case 0:
      xml = strFromU8(numericTokens(rng, strToU8(xml)));
      break;
    case 1: {
      // Duplicate a tag run many times (many triangles/vertices/items).
      const tags = [...xml.matchAll(/<(triangle|vertex|item|component)\b[^>]*\/>/g)];
      if (tags.length > 0) {
        const t = rng.pick(tags);
        xml = xml.slice(0, t.index) + t[0].repeat(rng.range(2, 2000)) + xml.slice(t.index);
      }
      break;
    }
    case 2: {
      // A component cycle, self reference, or reference to nothing.
      const target = rng.pick(['1', '2', '999', '', '-1', '1e9']);
      xml = xml.replace(
        /<\/object>/,
        `<components><component objectid="${target}"${rng.bool() ? ' transform="1 0 0 0 1 0 0 0 1 0 0 0"' : ''}/></components></object>`,
      );
      if (rng.bool())
        xml = xml.replace(
          /<\/resources>/,
          `<object id="2" type="model"><components><component objectid="2"/><component objectid="1"/></components></object></resources>`,
        );
      break;
    }
    case 3:
      xml = xml.replace(/unit="[^"]*"/, `unit="${rng.pick(['parsec', '', 'meter', 'micron', 'constructor', '__proto__', 'toString'])}"`);
      break;
    case 4:
      xml = xml.replace(/transform="[^"]*"|objectid="([^"]*)"/, (m) =>
        m.startsWith('transform')
          ? `transform="${rng.pick(['1e308 0 0 0 1e308 0 0 0 1e308 0 0 0', '-1 0 0 0 1 0 0 0 1 0 0 0', '1 2 3', 'a b c d e f g h i j k l', '0 0 0 0 0 0 0 0 0 0 0 0'])}"`
          : `${m} transform="${rng.pick(['1e38 0 0 0 1e38 0 0 0 1e38 0 0 0', '-1 0 0 0 1 0 0 0 1 0 0 0', '1 2 3', 'NaN NaN NaN NaN NaN NaN NaN NaN NaN NaN NaN NaN'])}"`,
      );
      break;
    case 5: {
      // Delete an attribute or a closing tag.
      const attrs = [...xml.matchAll(/ (v1|v2|v3|x|y|z|id|objectid|Target|Type)="[^"]*"/g)];
      if (attrs.length > 0) {
        const a = rng.pick(attrs);
        xml = xml.slice(0, a.index) + xml.slice(a.index + a[0].length);
      }
      break;
    }
    case 6:
      xml = xml.slice(0, rng.int(xml.length + 1));
      break;
    default: {
      const at = rng.int(xml.length + 1);
      xml =
        xml.slice(0, at) +
        rng.pick([
          '<',
          '<!--',
          '<![CDATA[',
          '<?',
          '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
          '<a:triangle v1="0" v2="1" v3="2"/>',
          '"',
          "'",
          '<vertex x="1" y="2" z="3"/>',
          '>',
        ]) +
        xml.slice(at);
    }
  }
  files[name] = strToU8(xml.slice(0, 4 * 1024 * 1024));
  if (rng.bool(0.1)) delete files[rng.pick(names)];
  const level = rng.pick([0, 1, 6]) as 0 | 1 | 6;
  if (Object.values(files).some((f) => f.length > 8 * 1024 * 1024)) return b;
  try {
    return zipSync(files, { level });
  } catch {
    return b;
  }
}

// ---------- GLB ----------

interface GlbParts {
  json: unknown;
  bin: Uint8Array | undefined;
}

function parseGlb(b: Uint8Array): GlbParts | undefined {
  if (b.length < 20) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const jsonLength = view.getUint32(12, true);
  if (20 + jsonLength > b.length) return undefined;
  try {
    const json = JSON.parse(new TextDecoder().decode(b.subarray(20, 20 + jsonLength)));
    let bin: Uint8Array | undefined;
    const binAt = 20 + jsonLength;
    if (binAt + 8 <= b.length) {
      const binLength = view.getUint32(binAt, true);
      bin = b.subarray(binAt + 8, Math.min(b.length, binAt + 8 + binLength));
    }
    return { json, bin };
  } catch {
    return undefined;
  }
}

export function buildGlb(json: unknown, bin: Uint8Array | undefined): Uint8Array {
  let text: Uint8Array = new TextEncoder().encode(JSON.stringify(json));
  const pad = (4 - (text.length % 4)) % 4;
  text = concat(text, new Uint8Array(pad).fill(0x20));
  const binPadded = bin ? concat(bin, new Uint8Array((4 - (bin.length % 4)) % 4)) : undefined;
  const total = 12 + 8 + text.length + (binPadded ? 8 + binPadded.length : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, text.length, true);
  view.setUint32(16, 0x4e4f534a, true);
  out.set(text, 20);
  if (binPadded) {
    const at = 20 + text.length;
    view.setUint32(at, binPadded.length, true);
    view.setUint32(at + 4, 0x004e4942, true);
    out.set(binPadded, at + 8);
  }
  return out;
}

const WEIRD_VALUES: unknown[] = [
  0,
  -1,
  1,
  3,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53,
  1e308,
  -1e308,
  0.5,
  'NaN',
  '12',
  null,
  true,
  {},
  [],
  [1, 2],
  'x',
];

/** GLB lies: chunk lengths/types in the container, or accessor/bufferView/buffer fields in the JSON. */
export function glbLie(rng: Rng, b: Uint8Array): Uint8Array {
  if (rng.bool(0.3)) {
    // Container: total length, JSON length, JSON type, BIN length, version.
    const jsonLength = b.length >= 16 ? new DataView(b.buffer, b.byteOffset).getUint32(12, true) : 0;
    return overwriteInt(rng, b, [4, 8, 12, 16, 20 + jsonLength, 24 + jsonLength]);
  }
  const parts = parseGlb(b);
  if (!parts || typeof parts.json !== 'object' || parts.json === null) return overwriteInt(rng, b, [8, 12]);
  const json = parts.json as Record<string, any>;
  const weird = () => (rng.bool(0.6) ? rng.pick(WEIRD_VALUES.slice(0, 11)) : rng.pick(WEIRD_VALUES));
  switch (rng.int(7)) {
    case 0:
    case 1: {
      const accessors = Array.isArray(json.accessors) ? json.accessors : [];
      if (accessors.length > 0) {
        const a = rng.pick(accessors);
        if (a && typeof a === 'object') {
          const field = rng.pick([
            'count',
            'count',
            'count',
            'byteOffset',
            'byteOffset',
            'bufferView',
            'componentType',
            'type',
            'normalized',
            'sparse',
            'min',
            'max',
          ]);
          if (field === 'sparse')
            a.sparse = {
              count: weird(),
              indices: { bufferView: 0, componentType: 5125, byteOffset: weird() },
              values: { bufferView: 0, byteOffset: weird() },
            };
          else if (field === 'bufferView' && rng.bool(0.4)) delete a.bufferView;
          else if (field === 'type') a.type = rng.pick(['MAT4', 'SCALAR', 'VEC5', '', 'VEC3']);
          else if (field === 'componentType') a.componentType = rng.pick([5120, 5121, 5122, 5123, 5125, 5126, 5124, 0, 'x']);
          else a[field] = weird();
        }
      }
      break;
    }
    case 2: {
      const views = Array.isArray(json.bufferViews) ? json.bufferViews : [];
      if (views.length > 0) {
        const v = rng.pick(views);
        if (v && typeof v === 'object') v[rng.pick(['byteLength', 'byteOffset', 'byteStride', 'buffer', 'target'])] = weird();
      }
      break;
    }
    case 3: {
      const buffers = Array.isArray(json.buffers) ? json.buffers : [];
      if (buffers.length > 0) {
        const buf = rng.pick(buffers);
        if (buf && typeof buf === 'object') {
          if (rng.bool(0.3))
            buf.uri = rng.pick([
              'data:application/octet-stream;base64,AAAA',
              'file:///etc/passwd',
              'http://127.0.0.1/x.bin',
              'data:,',
              'x.bin',
            ]);
          else buf.byteLength = weird();
        }
      }
      break;
    }
    case 4: {
      // Top-level members of the wrong type.
      const key = rng.pick([
        'accessors',
        'bufferViews',
        'buffers',
        'meshes',
        'nodes',
        'scenes',
        'scene',
        'asset',
        'extensionsRequired',
        'extensionsUsed',
        'images',
        'materials',
      ]);
      json[key] = rng.pick<unknown>([null, 5, 'x', {}, [], [null], [5], [{}], { length: 3 }, true]);
      break;
    }
    case 5: {
      // Primitives and nodes: modes, indices, attributes, node mesh references, node cycles.
      const meshes = Array.isArray(json.meshes) ? json.meshes : [];
      const nodes = Array.isArray(json.nodes) ? json.nodes : [];
      if (rng.bool() && meshes.length > 0 && Array.isArray(meshes[0]?.primitives) && meshes[0].primitives.length > 0) {
        const p = meshes[0].primitives[0];
        const field = rng.pick(['mode', 'indices', 'attributes', 'POSITION']);
        if (field === 'POSITION' && p.attributes && typeof p.attributes === 'object') p.attributes.POSITION = weird();
        else p[field] = weird();
      } else if (nodes.length > 0) {
        const n = rng.pick(nodes);
        if (n && typeof n === 'object') {
          const field = rng.pick(['mesh', 'children', 'matrix', 'scale', 'translation', 'rotation']);
          if (field === 'children') n.children = rng.pick([[0], [0, 0], [999], 'x', [-1]]);
          else if (field === 'matrix')
            n.matrix = rng.pick([[1e308, 0, 0, 0, 0, 1e308, 0, 0, 0, 0, 1e308, 0, 0, 0, 0, 1], [1, 2, 3], Array(16).fill(0)]);
          else n[field] = weird();
        }
      }
      break;
    }
    default: {
      // Many nodes instancing the same mesh (triangle multiplication).
      const nodes = Array.isArray(json.nodes) ? json.nodes : [];
      if (nodes.length > 0 && nodes[0] && typeof nodes[0] === 'object') {
        const copies = rng.pick([10, 1000, 100_000]);
        for (let i = 0; i < copies; i++) nodes.push({ ...nodes[0], children: undefined });
        if (Array.isArray(json.scenes) && json.scenes[0] && Array.isArray(json.scenes[0].nodes)) {
          for (let i = 0; i < copies; i++) json.scenes[0].nodes.push(nodes.length - 1 - i);
        }
      }
    }
  }
  return buildGlb(json, parts.bin);
}

export type Mutator = (rng: Rng, b: Uint8Array) => Uint8Array;

/** Applies 1-4 mutations, format-aware ones chosen more often for their format. */
export function mutate(rng: Rng, seed: Uint8Array, others: readonly Uint8Array[] = []): Uint8Array {
  let out = seed;
  const magic = String.fromCharCode(...seed.subarray(0, 4));
  const isZip = magic === 'PK\x03\x04';
  const isGlb = magic === 'glTF';
  const text = !isZip && !isGlb && isTexty(seed);
  const rounds = rng.pick([1, 1, 1, 2, 2, 3, 4]);
  for (let r = 0; r < rounds; r++) {
    const generic: Mutator[] = [
      bitFlip,
      insertBytes,
      deleteBytes,
      truncate,
      duplicateChunk,
      (g, b) => overwriteInt(g, b, [80, 4, 8, 12, 16]),
    ];
    if (others.length > 0) generic.push((g, b) => splice(g, b, g.pick(others)));
    const special: Mutator[] = isZip
      ? [zipLie, zipLie, threeMfXml, threeMfXml]
      : isGlb
        ? [glbLie, glbLie, glbLie]
        : text
          ? [numericTokens, numericTokens, lineEdit, lineEdit]
          : [];
    const pool = rng.bool(special.length > 0 ? 0.65 : 0) ? special : generic;
    out = rng.pick(pool)(rng, out);
    if (out.length > 4 * 1024 * 1024) out = out.subarray(0, 4 * 1024 * 1024);
  }
  return out;
}
