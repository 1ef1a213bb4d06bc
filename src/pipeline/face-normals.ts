/** Per-face unit normals and areas of a triangle mesh, in double precision. */
import type { Mesh } from './mesh.ts';

export interface FaceNormals {
  /** Unit normal per face (x, y, z); all zero for a degenerate (zero-area or non-finite) face. */
  normals: Float64Array;
  /** Area per face (0 for a degenerate face). */
  areas: Float64Array;
}

export function faceNormals(mesh: Mesh): FaceNormals {
  const p = mesh.positions,
    t = mesh.indices;
  const faces = t.length / 3;
  const normals = new Float64Array(faces * 3);
  const areas = new Float64Array(faces);
  for (let f = 0; f < faces; f++) {
    const a = t[f * 3] * 3,
      b = t[f * 3 + 1] * 3,
      c = t[f * 3 + 2] * 3;
    const ux = p[b] - p[a],
      uy = p[b + 1] - p[a + 1],
      uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a],
      vy = p[c + 1] - p[a + 1],
      vz = p[c + 2] - p[a + 2];
    const nx = uy * vz - uz * vy,
      ny = uz * vx - ux * vz,
      nz = ux * vy - uy * vx;
    const len = Math.hypot(nx, ny, nz);
    if (!(len > 0) || !Number.isFinite(len)) continue;
    normals[f * 3] = nx / len;
    normals[f * 3 + 1] = ny / len;
    normals[f * 3 + 2] = nz / len;
    areas[f] = len / 2;
  }
  return { normals, areas };
}
