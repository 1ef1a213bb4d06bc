/**
 * STL reader, binary or ASCII decided by content, not by the first five bytes: many binary
 * exporters (SolidWorks among them) start the header with "solid", so a file whose length is
 * exactly 84 + 50n for the count in its header is binary whatever its header says.
 *
 * ASCII is read tolerantly: keywords in any case, facet normals ignored (we trust the winding),
 * loops with more than three vertices fan-triangulated, several solids concatenated. Triangles
 * with a non-finite coordinate are dropped with a note rather than failing the whole file.
 * Output is a triangle soup (repair welds).
 */
import type { Mesh } from '../mesh.ts';
import type { ImportedMesh } from './imported-mesh.ts';
import { IMPORT_LIMITS_DEFAULTS, checkFileSize, checkTriangleCount, corrupt, empty, type ImportLimits } from './limits.ts';

export type ReadStlOptions = ImportLimits;
export const READ_STL_DEFAULTS: Readonly<ReadStlOptions> = IMPORT_LIMITS_DEFAULTS;

const OP = 'readStl';
const PREAMBLE_BYTES = 84;
const TRIANGLE_BYTES = 50;

export function readStl(bytes: Uint8Array, options: Partial<ReadStlOptions> = {}): ImportedMesh {
  const limits = { ...READ_STL_DEFAULTS, ...options };
  checkFileSize(bytes.length, limits, OP);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const claimed = bytes.length >= PREAMBLE_BYTES ? view.getUint32(80, true) : -1;
  if (claimed >= 0 && PREAMBLE_BYTES + TRIANGLE_BYTES * claimed === bytes.length) {
    return readBinary(view, claimed, limits, []);
  }
  if (looksLikeAscii(bytes)) return readAscii(bytes, limits);
  if (claimed < 0) throw corrupt(OP, `${bytes.length} bytes is too short for a binary STL and it is not ASCII STL`);
  return readMislabelledBinary(view, claimed, limits);
}

/** Binary files whose size disagrees with their header: salvage what is unambiguous. */
function readMislabelledBinary(view: DataView, claimed: number, limits: ImportLimits): ImportedMesh {
  const body = view.byteLength - PREAMBLE_BYTES;
  if (claimed === 0 && body > 0 && body % TRIANGLE_BYTES === 0) {
    const inferred = body / TRIANGLE_BYTES;
    return readBinary(view, inferred, limits, [`header claimed 0 triangles; read ${inferred} from the file size`]);
  }
  const expected = PREAMBLE_BYTES + TRIANGLE_BYTES * claimed;
  if (expected > view.byteLength) {
    throw corrupt(OP, `header claims ${claimed} triangles (${expected} bytes) but the file has ${view.byteLength} bytes`, {
      claimedTriangles: claimed,
      bytes: view.byteLength,
    });
  }
  if (claimed === 0) throw empty(OP, 'the STL has no triangles');
  return readBinary(view, claimed, limits, [`ignored ${view.byteLength - expected} bytes after the last triangle`]);
}

function readBinary(view: DataView, triangles: number, limits: ImportLimits, notes: string[]): ImportedMesh {
  if (triangles === 0) throw empty(OP, 'the STL has no triangles');
  checkTriangleCount(triangles, limits, OP);
  const positions = new Float32Array(triangles * 9);
  let kept = 0;
  for (let tri = 0; tri < triangles; tri++) {
    const base = PREAMBLE_BYTES + tri * TRIANGLE_BYTES + 12; // skip the stored normal
    const out = kept * 9;
    let finite = true;
    for (let k = 0; k < 9; k++) {
      const value = view.getFloat32(base + k * 4, true);
      positions[out + k] = value;
      if (!Number.isFinite(value)) finite = false;
    }
    if (finite) kept++;
  }
  if (kept < triangles) notes.push(`dropped ${triangles - kept} triangles with non-finite coordinates`);
  if (kept === 0) throw empty(OP, 'no triangle of the STL has finite coordinates');
  return { mesh: soup(positions, kept), unit: 'unspecified', notes };
}

/** ASCII if it opens with "solid" or its first bytes are plain text mentioning facets. */
function looksLikeAscii(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 1024));
  if (/^\s*solid/i.test(head)) return true;
  return !/[\u0000-\u0008\u000e-\u001f]/.test(head) && /\b(facet|vertex)\b/i.test(head);
}

function readAscii(bytes: Uint8Array, limits: ImportLimits): ImportedMesh {
  const text = new TextDecoder().decode(bytes);
  const vertexWords = countMatches(text, /\bvertex\b/gi);
  // A loop of k vertices gives k - 2 triangles; for the usual k = 3 this is exact.
  checkTriangleCount(Math.floor(vertexWords / 3), limits, OP);
  const positions = new Float32Array(vertexWords * 3);
  const indices = new Uint32Array(vertexWords * 3);
  const notes: string[] = [];
  let vertexCount = 0;
  let triangleCount = 0;
  let loopStart = 0;
  let badLoops = 0;

  const closeLoop = () => {
    const k = vertexCount - loopStart;
    if (k >= 3) {
      for (let i = 1; i + 1 < k; i++) {
        indices[triangleCount * 3] = loopStart;
        indices[triangleCount * 3 + 1] = loopStart + i;
        indices[triangleCount * 3 + 2] = loopStart + i + 1;
        triangleCount++;
      }
      checkTriangleCount(triangleCount, limits, OP);
    } else if (k > 0) {
      badLoops++;
    }
    loopStart = vertexCount;
  };

  const token = /\b(vertex)\s+(\S+)\s+(\S+)\s+(\S+)|\b(endloop|endfacet|facet|outer|endsolid)\b/gi;
  for (let match = token.exec(text); match; match = token.exec(text)) {
    if (match[1] === undefined) {
      closeLoop();
      continue;
    }
    const x = Number(match[2]),
      y = Number(match[3]),
      z = Number(match[4]);
    // Checked as float32 (what the mesh stores): 1e39 is a finite double but Infinity there.
    if (!Number.isFinite(Math.fround(x)) || !Number.isFinite(Math.fround(y)) || !Number.isFinite(Math.fround(z))) {
      throw corrupt(OP, `vertex "${match[0].slice(0, 60)}" is not three numbers within float32 range`);
    }
    positions[vertexCount * 3] = x;
    positions[vertexCount * 3 + 1] = y;
    positions[vertexCount * 3 + 2] = z;
    vertexCount++;
  }
  closeLoop();
  if (badLoops > 0) notes.push(`skipped ${badLoops} facets with fewer than 3 vertices`);
  if (triangleCount === 0) throw empty(OP, 'the ASCII STL has no facets');
  return {
    mesh: { positions: positions.slice(0, vertexCount * 3), indices: indices.slice(0, triangleCount * 3) },
    unit: 'unspecified',
    notes,
  };
}

function countMatches(text: string, pattern: RegExp): number {
  let count = 0;
  pattern.lastIndex = 0;
  while (pattern.exec(text)) count++;
  return count;
}

function soup(positions: Float32Array, triangles: number): Mesh {
  const indices = new Uint32Array(triangles * 3);
  for (let i = 0; i < indices.length; i++) indices[i] = i;
  return { positions: triangles * 9 === positions.length ? positions : positions.slice(0, triangles * 9), indices };
}
