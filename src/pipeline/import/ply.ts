/**
 * PLY reader (Stanford polygon format): ASCII, binary little- and big-endian. Reads x/y/z of the
 * "vertex" element and the index list of the "face" element (vertex_indices or vertex_index),
 * any scalar type for either and any count type for the list; every other property and element
 * (normals, colours, uv, edges, materials) is read past and ignored. Polygons are fan-triangulated.
 *
 * Limits before allocating: the header's vertex and face counts are checked against the bytes
 * that could possibly hold them (a binary vertex needs at least its fixed size, an ASCII one at
 * least two characters per property) and the triangle limit, so a 100-byte file claiming 2^31
 * vertices fails in microseconds.
 */
import type { ImportedMesh } from './imported-mesh.ts';
import { IMPORT_LIMITS_DEFAULTS, checkFileSize, checkTriangleCount, corrupt, empty, type ImportLimits } from './limits.ts';

export type ReadPlyOptions = ImportLimits;
export const READ_PLY_DEFAULTS: Readonly<ReadPlyOptions> = IMPORT_LIMITS_DEFAULTS;

const OP = 'readPly';
const MAX_HEADER_BYTES = 64 * 1024;
const TYPE_BYTES: Record<string, number> = {
  char: 1,
  int8: 1,
  uchar: 1,
  uint8: 1,
  short: 2,
  int16: 2,
  ushort: 2,
  uint16: 2,
  int: 4,
  int32: 4,
  uint: 4,
  uint32: 4,
  float: 4,
  float32: 4,
  double: 8,
  float64: 8,
};

type Format = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

interface Property {
  name: string;
  type: string;
  /** For list properties: the type of the count. */
  countType?: string;
}

interface Element {
  name: string;
  count: number;
  properties: Property[];
}

export function readPly(bytes: Uint8Array, options: Partial<ReadPlyOptions> = {}): ImportedMesh {
  const limits = { ...READ_PLY_DEFAULTS, ...options };
  checkFileSize(bytes.length, limits, OP);
  const { format, elements, bodyStart } = parseHeader(bytes);
  const vertexElement = elements.find((e) => e.name === 'vertex');
  const faceElement = elements.find((e) => e.name === 'face');
  if (!vertexElement || !faceElement || faceElement.count === 0) throw empty(OP, 'the PLY has no faces (point clouds cannot be printed)');
  const axes = ['x', 'y', 'z'].map((axis) => vertexElement.properties.findIndex((p) => p.name === axis && !p.countType));
  if (axes.some((i) => i < 0)) throw corrupt(OP, 'the vertex element has no x, y and z');
  const listIndex = faceElement.properties.findIndex((p) => p.countType && (p.name === 'vertex_indices' || p.name === 'vertex_index'));
  if (listIndex < 0) throw corrupt(OP, 'the face element has no vertex_indices list');

  const body = bytes.length - bodyStart;
  // An ASCII element is at least its line break, so even a property-less one costs a byte (a
  // header claiming 2^31 empty elements was a 12 s loop); binary property-less ones are skipped.
  const minBytesPer = (e: Element) =>
    format === 'ascii' ? Math.max(1, 2 * e.properties.length) : e.properties.reduce((n, p) => n + TYPE_BYTES[p.countType ?? p.type], 0);
  for (const e of elements) {
    if (e.count * minBytesPer(e) > body) {
      throw corrupt(OP, `the header claims ${e.count} ${e.name} elements, more than the ${body} bytes after it can hold`, {
        element: e.name,
        count: e.count,
      });
    }
  }
  checkTriangleCount(faceElement.count, limits, OP);

  const reader =
    format === 'ascii' ? new AsciiReader(bytes, bodyStart) : new BinaryReader(bytes, bodyStart, format === 'binary_little_endian');
  const positions = new Float32Array(vertexElement.count * 3);
  const triangles: number[] = [];
  let badFaces = 0;
  for (const element of elements) {
    if (format !== 'ascii' && element.properties.length === 0) continue; // nothing to read
    for (let i = 0; i < element.count; i++) {
      for (let p = 0; p < element.properties.length; p++) {
        const property = element.properties[p];
        if (property.countType) {
          const n = reader.read(property.countType);
          if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw corrupt(OP, `${element.name} ${i} has a list of ${n} entries`);
          if (element === faceElement && p === listIndex) {
            const corners: number[] = [];
            for (let k = 0; k < n; k++) corners.push(reader.read(property.type));
            if (n < 3 || corners.some((c) => !Number.isInteger(c) || c < 0 || c >= vertexElement.count)) {
              badFaces++;
              continue;
            }
            for (let k = 1; k + 1 < n; k++) triangles.push(corners[0], corners[k], corners[k + 1]);
            checkTriangleCount(triangles.length / 3, limits, OP);
          } else {
            for (let k = 0; k < n; k++) reader.read(property.type);
          }
        } else {
          const value = reader.read(property.type);
          if (element === vertexElement) {
            const axis = axes.indexOf(p);
            if (axis >= 0) {
              // As float32 (what the mesh stores): a double of 1e300 is finite but Infinity there.
              if (!Number.isFinite(Math.fround(value)))
                throw corrupt(OP, `vertex ${i} has a coordinate that is not a number within float32 range`);
              positions[i * 3 + axis] = value;
            }
          }
        }
      }
      reader.endOfElement();
    }
  }
  const notes = badFaces > 0 ? [`skipped ${badFaces} faces with fewer than 3 corners or indices out of range`] : [];
  if (triangles.length === 0) throw empty(OP, 'the PLY has no usable faces');
  return { mesh: { positions, indices: Uint32Array.from(triangles) }, unit: 'unspecified', notes };
}

function parseHeader(bytes: Uint8Array): { format: Format; elements: Element[]; bodyStart: number } {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, MAX_HEADER_BYTES)));
  if (!/^ply\r?\n/.test(head)) throw corrupt(OP, 'not a PLY file (no "ply" magic line)');
  const end = /end_header\r?\n/.exec(head);
  if (!end) throw corrupt(OP, 'the PLY header has no end_header (truncated?)');
  let format: Format | undefined;
  const elements: Element[] = [];
  for (const raw of head.slice(0, end.index).split(/\r?\n/).slice(1)) {
    const words = raw.trim().split(/\s+/);
    switch (words[0]) {
      case 'format':
        if (words[1] !== 'ascii' && words[1] !== 'binary_little_endian' && words[1] !== 'binary_big_endian') {
          throw corrupt(OP, `unknown PLY format "${words[1]}"`);
        }
        format = words[1];
        break;
      case 'element': {
        const count = Number(words[2]);
        if (!Number.isInteger(count) || count < 0) throw corrupt(OP, `element ${words[1]} has count "${words[2]}"`);
        elements.push({ name: words[1] ?? '', count, properties: [] });
        break;
      }
      case 'property': {
        const element = elements.at(-1);
        if (!element) throw corrupt(OP, 'a property comes before any element');
        const property: Property =
          words[1] === 'list' ? { countType: words[2], type: words[3], name: words[4] } : { type: words[1], name: words[2] };
        for (const type of [property.type, property.countType]) {
          if (type !== undefined && !(type in TYPE_BYTES)) throw corrupt(OP, `property ${property.name} has unknown type "${type}"`);
        }
        element.properties.push(property);
        break;
      }
      default:
        break; // comment, obj_info, blank
    }
  }
  if (!format) throw corrupt(OP, 'the PLY header has no format line');
  return { format, elements, bodyStart: end.index + end[0].length };
}

interface ValueReader {
  read(type: string): number;
  endOfElement(): void;
}

class BinaryReader implements ValueReader {
  private readonly view: DataView;
  private offset: number;
  private readonly little: boolean;

  constructor(bytes: Uint8Array, start: number, little: boolean) {
    this.little = little;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = start;
  }

  read(type: string): number {
    const size = TYPE_BYTES[type];
    if (this.offset + size > this.view.byteLength) throw corrupt(OP, 'the binary body ends early (truncated file)');
    const at = this.offset;
    this.offset += size;
    const v = this.view,
      le = this.little;
    switch (type) {
      case 'char':
      case 'int8':
        return v.getInt8(at);
      case 'uchar':
      case 'uint8':
        return v.getUint8(at);
      case 'short':
      case 'int16':
        return v.getInt16(at, le);
      case 'ushort':
      case 'uint16':
        return v.getUint16(at, le);
      case 'int':
      case 'int32':
        return v.getInt32(at, le);
      case 'uint':
      case 'uint32':
        return v.getUint32(at, le);
      case 'float':
      case 'float32':
        return v.getFloat32(at, le);
      default:
        return v.getFloat64(at, le);
    }
  }

  endOfElement(): void {}
}

/** Whitespace-separated numbers; each element is one line, extra words on a line are skipped. */
class AsciiReader implements ValueReader {
  private offset: number;
  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array, start: number) {
    this.bytes = bytes;
    this.offset = start;
  }

  read(): number {
    const b = this.bytes;
    let i = this.offset;
    while (i < b.length && (b[i] === 32 || b[i] === 9 || b[i] === 13)) i++;
    if (i >= b.length || b[i] === 10) throw corrupt(OP, 'an ASCII element line has too few values (truncated file?)');
    let j = i;
    while (j < b.length && b[j] > 32) j++;
    this.offset = j;
    let text = '';
    for (let k = i; k < j; k++) text += String.fromCharCode(b[k]);
    const value = Number(text);
    if (Number.isNaN(value)) throw corrupt(OP, `"${text.slice(0, 30)}" is not a number`);
    return value;
  }

  endOfElement(): void {
    const b = this.bytes;
    while (this.offset < b.length && b[this.offset] !== 10) this.offset++;
    this.offset++;
  }
}
