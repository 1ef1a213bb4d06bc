/**
 * Thin-wall estimate: from a sample of faces, cast a ray from the face centre inward (along
 * -normal) to the opposite wall; the distance is the local wall thickness. Reports the minimum
 * and the 5th percentile (the minimum alone is dominated by sharp edges and chamfers, where the
 * ray leaves through a neighbouring face almost at once). Hits on a face that looks back at the
 * ray (entering, not leaving, the solid) mean the sample sat on a defect and are skipped.
 * Samples are every k-th face (deterministic; the pipeline has no random source).
 */
import type { Mesh } from '../mesh.ts';
import { buildBvh, castRay } from './triangle-bvh.ts';

export interface ThinWallOptions {
  samples: number;
}

export const THIN_WALL_DEFAULTS: Readonly<ThinWallOptions> = { samples: 2000 };

export interface ThinWallEstimate {
  sampledFaces: number;
  minMm: number;
  p5Mm: number;
  medianMm: number;
}

export function estimateThinWalls(mesh: Mesh, options: Partial<ThinWallOptions> = {}): ThinWallEstimate | undefined {
  const { samples } = { ...THIN_WALL_DEFAULTS, ...options };
  const faces = mesh.indices.length / 3;
  if (faces === 0) return undefined;
  const bvh = buildBvh(mesh);
  const p = mesh.positions, t = mesh.indices;
  const step = Math.max(1, Math.floor(faces / samples));
  const thickness: number[] = [];
  for (let f = 0; f < faces; f += step) {
    const n = faceNormal(p, t, f);
    if (!n) continue;
    const o = [0, 1, 2].map((k) => (p[t[f * 3] * 3 + k] + p[t[f * 3 + 1] * 3 + k] + p[t[f * 3 + 2] * 3 + k]) / 3);
    const d = [-n[0], -n[1], -n[2]];
    const hit = castRay(bvh, o, d, f);
    if (!hit) continue;
    const m = faceNormal(p, t, hit.face);
    if (!m || m[0] * d[0] + m[1] * d[1] + m[2] * d[2] <= 0) continue;
    thickness.push(hit.distance);
  }
  if (thickness.length === 0) return undefined;
  thickness.sort((a, b) => a - b);
  const at = (q: number) => thickness[Math.min(thickness.length - 1, Math.floor(q * thickness.length))];
  return { sampledFaces: thickness.length, minMm: thickness[0], p5Mm: at(0.05), medianMm: at(0.5) };
}

export function faceNormal(p: Float32Array, t: Uint32Array, f: number): [number, number, number] | undefined {
  const a = t[f * 3] * 3, b = t[f * 3 + 1] * 3, c = t[f * 3 + 2] * 3;
  const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
  const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
  const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
  const len = Math.hypot(nx, ny, nz);
  return len > 0 ? [nx / len, ny / len, nz / len] : undefined;
}
