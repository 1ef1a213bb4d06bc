/**
 * How many triangles a mesh file will produce, read from what it declares (binary STL's count
 * field against the file length, OBJ `f` lines, PLY `element face`, GLB accessor counts, 3MF
 * `<triangle>` tags after the zip's declared sizes are checked), WITHOUT building the mesh. The
 * upload endpoint uses it to refuse oversized or malformed files in milliseconds; the job's
 * reader still re-checks after expanding instances (3MF components, GLB nodes) and parses fully.
 * Throws PipelineError (mesh_corrupt, mesh_empty, too_many_triangles, file_too_large).
 */
import { PipelineError } from '../errors.ts';
import { inspectGlb } from './glb-container.ts';
import { IMPORT_LIMITS_DEFAULTS, checkTriangleCount, corrupt, empty, type ImportLimits } from './limits.ts';
import type { MeshFormat } from './sniff.ts';
import { READ_THREEMF_DEFAULTS } from './threemf.ts';
import { createTagCounter } from './tag-counter.ts';
import { inflateZipEntry, listZipEntries } from './zip.ts';

export interface CountTrianglesOptions extends ImportLimits {
  maxUncompressedBytes: number;
}

export const COUNT_TRIANGLES_DEFAULTS: Readonly<CountTrianglesOptions> = {
  ...IMPORT_LIMITS_DEFAULTS,
  maxUncompressedBytes: READ_THREEMF_DEFAULTS.maxUncompressedBytes,
};

const OP = 'countTriangles';
/** GLB extensions whose data the job can decode (Draco, meshopt): counts come from the JSON either way. */
const COUNTABLE_GLB_EXTENSIONS = ['KHR_draco_mesh_compression', 'EXT_meshopt_compression'];

export function countMeshTriangles(bytes: Uint8Array, format: MeshFormat, options: Partial<CountTrianglesOptions> = {}): number {
  const o = { ...COUNT_TRIANGLES_DEFAULTS, ...options };
  const triangles = countByFormat(bytes, format, o);
  checkTriangleCount(triangles, o, OP);
  if (triangles === 0) throw empty(OP, `the ${format.toUpperCase()} file has no triangles`);
  return triangles;
}

function countByFormat(bytes: Uint8Array, format: MeshFormat, o: CountTrianglesOptions): number {
  switch (format) {
    case 'stl':
      return countStl(bytes);
    case 'obj':
      return countObj(bytes);
    case 'ply':
      return countPly(bytes);
    case 'glb':
      return inspectGlb(bytes, OP, o.maxTriangles * 3, COUNTABLE_GLB_EXTENSIONS).triangles;
    case '3mf':
      return countThreeMf(bytes, o);
  }
}

function countStl(bytes: Uint8Array): number {
  if (bytes.length >= 84) {
    const claimed = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
    if (84 + 50 * claimed === bytes.length) return claimed;
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (/^\s*solid/i.test(head) || (!/[\u0000-\u0008\u000e-\u001f]/.test(head) && /\b(facet|vertex)\b/i.test(head))) {
    return countMatches(new TextDecoder('latin1').decode(bytes), /^\s*facet\b/gim);
  }
  // Binary with a wrong count field, as the reader treats it: a zero count is inferred from the
  // record size, a count the file cannot hold is corrupt, bytes after the last record are ignored.
  if (bytes.length < 84) throw corrupt(OP, `${bytes.length} bytes is too short for a binary STL and it is not ASCII STL`);
  const claimed = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
  const body = bytes.length - 84;
  if (claimed === 0 && body % 50 === 0) return body / 50;
  if (84 + 50 * claimed > bytes.length) {
    throw corrupt(OP, `header claims ${claimed} triangles but the file has ${bytes.length} bytes`, {
      claimedTriangles: claimed,
      bytes: bytes.length,
    });
  }
  return claimed;
}

function countObj(bytes: Uint8Array): number {
  const text = new TextDecoder().decode(bytes);
  let triangles = 0;
  for (const match of text.matchAll(/^[ \t]*f[ \t]+([^\r\n]*)/gm)) {
    triangles += Math.max(0, match[1].trim().split(/\s+/).length - 2);
  }
  return triangles;
}

function countPly(bytes: Uint8Array): number {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64 * 1024));
  const end = /end_header\r?\n/.exec(head);
  if (!end) throw corrupt(OP, 'the PLY header has no end_header (truncated?)');
  const faces = /^element\s+face\s+(\d+)\s*$/m.exec(head.slice(0, end.index));
  if (!faces) throw empty(OP, 'the PLY has no faces (point clouds cannot be printed)');
  // Each face is at least one triangle; polygons fan out to more, which the reader re-checks.
  const count = Number(faces[1]);
  if (!Number.isSafeInteger(count)) throw corrupt(OP, 'the PLY face count is not a number');
  return count;
}

function countThreeMf(bytes: Uint8Array, o: CountTrianglesOptions): number {
  const entries = listZipEntries(bytes, OP);
  const models = entries.filter((entry) => entry.name.toLowerCase().endsWith('.model'));
  if (models.length === 0) throw corrupt(OP, 'the package has no 3D model part (not a 3MF file?)');
  const declared = models.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (declared > o.maxUncompressedBytes) {
    throw new PipelineError(
      'file_too_large',
      `${OP}: the model parts unpack to ${declared} bytes, the limit is ${o.maxUncompressedBytes}`,
      'import',
      {
        uncompressedSize: declared,
        maxUncompressedBytes: o.maxUncompressedBytes,
      },
    );
  }
  // Streamed: each piece of a part is counted as it inflates and dropped, and counting stops at
  // the first triangle over the limit, so a part that unpacks to hundreds of MB holds one piece.
  let triangles = 0;
  for (const entry of models) {
    const counted = triangles;
    const inPart = createTagCounter('triangle');
    inflateZipEntry(bytes, entry, o.maxUncompressedBytes, OP, (chunk) => {
      triangles = counted + inPart.push(chunk);
      checkTriangleCount(triangles, o, OP);
    });
  }
  return triangles;
}

function countMatches(text: string, pattern: RegExp): number {
  let n = 0;
  for (const _ of text.matchAll(pattern)) n++;
  return n;
}
