/**
 * Wavefront OBJ reader: `v` and `f` lines only. Faces are fan-triangulated (fine for the convex
 * polygons exporters write), `a/b/c` and `a//c` references use the vertex part, negative indices
 * count back from the last vertex read so far. vt/vn/mtl/groups/objects are ignored.
 *
 * A line ending in a backslash continues on the next (the OBJ spec allows it for every statement;
 * exporters that wrap long face lines use it): the backslash, and blanks after it, are dropped
 * and the lines joined with a space. Errors name the statement's first line.
 *
 * Two passes over the text: the first counts vertices and face triangles so the limits are
 * checked and the arrays allocated once at their final size; the second fills them.
 */
import type { ImportedMesh } from './imported-mesh.ts';
import { IMPORT_LIMITS_DEFAULTS, checkFileSize, checkTriangleCount, corrupt, empty, type ImportLimits } from './limits.ts';

export type ReadObjOptions = ImportLimits;
export const READ_OBJ_DEFAULTS: Readonly<ReadObjOptions> = IMPORT_LIMITS_DEFAULTS;

const OP = 'readObj';

export function readObj(bytes: Uint8Array, options: Partial<ReadObjOptions> = {}): ImportedMesh {
  const limits = { ...READ_OBJ_DEFAULTS, ...options };
  checkFileSize(bytes.length, limits, OP);
  const text = new TextDecoder().decode(bytes);

  let vertexLines = 0;
  let triangles = 0;
  forEachStatement(text, (line) => {
    if (isKeyword(line, 'v')) vertexLines++;
    else if (isKeyword(line, 'f')) triangles += Math.max(0, words(line).length - 3);
  });
  checkTriangleCount(triangles, limits, OP);
  if (triangles === 0) throw empty(OP, 'the OBJ has no faces');

  const positions = new Float32Array(vertexLines * 3);
  const indices = new Uint32Array(triangles * 3);
  let vertexCount = 0;
  let triangleCount = 0;
  forEachStatement(text, (line, lineNumber) => {
    if (isKeyword(line, 'v')) {
      const parts = words(line);
      for (let k = 0; k < 3; k++) {
        const value = Number(parts[k + 1]);
        // Checked as float32 (what the mesh stores): 1e39 is a finite double but Infinity there.
        if (parts[k + 1] === undefined || !Number.isFinite(Math.fround(value)))
          throw corrupt(OP, `line ${lineNumber}: a vertex needs three numbers (within float32 range)`);
        positions[vertexCount * 3 + k] = value;
      }
      vertexCount++;
    } else if (isKeyword(line, 'f')) {
      const parts = words(line);
      const corners = parts.slice(1).map((ref) => resolveIndex(ref, vertexCount, lineNumber));
      for (let i = 1; i + 1 < corners.length; i++) {
        indices[triangleCount * 3] = corners[0];
        indices[triangleCount * 3 + 1] = corners[i];
        indices[triangleCount * 3 + 2] = corners[i + 1];
        triangleCount++;
      }
    }
  });
  // Positive references may point forward in the file, so the range check waits until the end.
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] >= vertexCount) throw corrupt(OP, `a face refers to vertex ${indices[i] + 1} of ${vertexCount}`);
  }
  return { mesh: { positions, indices }, unit: 'unspecified', notes: [] };
}

function resolveIndex(reference: string, verticesSoFar: number, lineNumber: number): number {
  const slash = reference.indexOf('/');
  const value = Number(slash < 0 ? reference : reference.slice(0, slash));
  if (!Number.isInteger(value) || value === 0)
    throw corrupt(OP, `line ${lineNumber}: "${reference.slice(0, 40)}" is not a vertex reference`);
  const index = value > 0 ? value - 1 : verticesSoFar + value;
  if (index < 0) throw corrupt(OP, `line ${lineNumber}: ${value} points before the first vertex`);
  return index;
}

function isKeyword(line: string, keyword: string): boolean {
  if (!line.startsWith(keyword)) return false;
  const next = line.charCodeAt(keyword.length);
  return next === 32 || next === 9;
}

function words(line: string): string[] {
  return line.trim().split(/\s+/);
}

/**
 * Calls back with each statement, leading whitespace trimmed, and the number of its first line,
 * without building an array of lines. Lines ending in a backslash (blanks after it allowed) are
 * joined with the next.
 */
function forEachStatement(text: string, visit: (statement: string, lineNumber: number) => void): void {
  let start = 0;
  let lineNumber = 0;
  let pending: string | undefined;
  let pendingLine = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const line = text.slice(start, end);
    start = end + 1;
    const continued = continuationAt(line);
    if (continued >= 0) {
      if (pending === undefined) {
        pending = line.slice(0, continued);
        pendingLine = lineNumber;
      } else pending += ` ${line.slice(0, continued)}`;
      continue;
    }
    if (pending === undefined) visit(line.trimStart(), lineNumber);
    else {
      visit(`${pending} ${line}`.trimStart(), pendingLine);
      pending = undefined;
    }
  }
  if (pending !== undefined) visit(pending.trimStart(), pendingLine);
}

/** Index of the backslash that ends the line (only blanks and a CR after it), or -1. */
function continuationAt(line: string): number {
  let i = line.length - 1;
  while (i >= 0) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) break;
    i--;
  }
  return i >= 0 && line.charCodeAt(i) === 92 ? i : -1;
}
