/**
 * Binary STL: 80-byte header, uint32 triangle count, then 50 bytes per triangle (normal, three
 * vertices as little-endian float32, a zero attribute word).
 *
 * Notes:
 * - The header must not start with "solid": several readers (and our own) would take the file
 *   for ASCII STL. We refuse such a header rather than silently rewrite the caller's text.
 * - Facet normals are computed from the triangle (right-hand rule, CCW from outside) in float64;
 *   a degenerate triangle gets a zero normal, which slicers accept and recompute anyway.
 * - stlChunks yields ~64k triangles (3.2 MB) at a time so a Node caller can stream a 2M-triangle
 *   file to disk without holding a second 100 MB copy; writeStl joins them for small meshes.
 */
import { PipelineError } from '../errors.ts';
import type { Mesh } from '../mesh.ts';
import { assertExportableMesh } from './check-mesh.ts';

export interface StlOptions {
  /** ASCII text for the 80-byte header; padded with spaces, must not start with "solid". */
  header: string;
  /** Triangles per yielded chunk (the first chunk also carries the 84-byte preamble). */
  trianglesPerChunk: number;
}

export const STL_DEFAULTS: Readonly<StlOptions> = {
  header: 'binary STL, millimetres, written by image-to-stl',
  trianglesPerChunk: 65_536,
};

const HEADER_BYTES = 80;
const PREAMBLE_BYTES = 84;
const TRIANGLE_BYTES = 50;

export function stlByteLength(triangles: number): number {
  return PREAMBLE_BYTES + TRIANGLE_BYTES * triangles;
}

/** Validates eagerly (so a bad mesh throws here, not on the first next()), then streams. */
export function stlChunks(mesh: Mesh, options: Partial<StlOptions> = {}): Generator<Uint8Array> {
  const { header, trianglesPerChunk } = { ...STL_DEFAULTS, ...options };
  assertExportableMesh(mesh, 'stlChunks');
  if (!Number.isInteger(trianglesPerChunk) || trianglesPerChunk < 1) {
    throw new PipelineError('invalid_parameters', 'stlChunks: trianglesPerChunk must be a positive integer', 'export');
  }
  return generateChunks(mesh, encodeHeader(header), trianglesPerChunk);
}

export function writeStl(mesh: Mesh, options: Partial<StlOptions> = {}): Uint8Array {
  const triangles = mesh.indices.length / 3;
  const out = new Uint8Array(stlByteLength(triangles));
  let offset = 0;
  for (const chunk of stlChunks(mesh, options)) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function encodeHeader(text: string): Uint8Array {
  if (/^\s*solid/i.test(text)) {
    throw new PipelineError(
      'invalid_parameters',
      'writeStl: the header must not start with "solid" (readers would take the file for ASCII STL)',
      'export',
    );
  }
  const header = new Uint8Array(HEADER_BYTES).fill(0x20);
  for (let i = 0; i < text.length && i < HEADER_BYTES; i++) {
    const code = text.charCodeAt(i);
    header[i] = code >= 0x20 && code < 0x7f ? code : 0x3f; // '?' keeps the header plain ASCII
  }
  return header;
}

function* generateChunks(mesh: Mesh, header: Uint8Array, trianglesPerChunk: number): Generator<Uint8Array> {
  const total = mesh.indices.length / 3;
  for (let first = 0; first < total; first += trianglesPerChunk) {
    const count = Math.min(trianglesPerChunk, total - first);
    const preamble = first === 0 ? PREAMBLE_BYTES : 0;
    const chunk = new Uint8Array(preamble + count * TRIANGLE_BYTES);
    const view = new DataView(chunk.buffer);
    if (first === 0) {
      chunk.set(header, 0);
      view.setUint32(HEADER_BYTES, total, true);
    }
    writeTriangles(mesh, first, count, view, preamble);
    yield chunk;
  }
}

function writeTriangles(mesh: Mesh, first: number, count: number, view: DataView, start: number): void {
  const p = mesh.positions;
  const t = mesh.indices;
  let o = start;
  for (let tri = first; tri < first + count; tri++) {
    const a = t[tri * 3] * 3,
      b = t[tri * 3 + 1] * 3,
      c = t[tri * 3 + 2] * 3;
    const ux = p[b] - p[a],
      uy = p[b + 1] - p[a + 1],
      uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a],
      vy = p[c + 1] - p[a + 1],
      vz = p[c + 2] - p[a + 2];
    let nx = uy * vz - uz * vy,
      ny = uz * vx - ux * vz,
      nz = ux * vy - uy * vx;
    const length = Math.hypot(nx, ny, nz);
    if (length > 0) {
      nx /= length;
      ny /= length;
      nz /= length;
    }
    view.setFloat32(o, nx, true);
    view.setFloat32(o + 4, ny, true);
    view.setFloat32(o + 8, nz, true);
    o += 12;
    writeVertex(view, o, p, a);
    writeVertex(view, o + 12, p, b);
    writeVertex(view, o + 24, p, c);
    o += 36;
    view.setUint16(o, 0, true);
    o += 2;
  }
}

function writeVertex(view: DataView, offset: number, positions: Float32Array, start: number): void {
  view.setFloat32(offset, positions[start], true);
  view.setFloat32(offset + 4, positions[start + 1], true);
  view.setFloat32(offset + 8, positions[start + 2], true);
}
