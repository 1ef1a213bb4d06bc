/**
 * Thin-wall estimate: sample points spread over the surface by area, cast a ray from each point
 * inward (along -normal) to the opposite wall; the distance is the local wall thickness. Reports
 * the minimum and the 5th percentile by area (the minimum alone is dominated by sharp edges and
 * chamfers, where the ray leaves through a neighbouring face almost at once). Hits on a face that
 * looks back at the ray (entering, not leaving, the solid) mean the sample sat on a defect and are
 * skipped. Samples are placed deterministically (the pipeline has no random source).
 *
 * Why by area and not one ray per face (the first version, every k-th face from its centre): a
 * percentile over faces lets a few tiny triangles decide the verdict. A 4 mm block whose hole fill
 * left two 0.3 mm² wedge triangles (0.3% of its surface) had 14 faces, so its "5th percentile"
 * was the wedge's 0.05 mm, and the verdict said "walls are thin". Sliver triangles, whose normal
 * is mostly float noise, pointed their one ray anywhere. Spreading the samples by area makes the
 * percentile mean "5% of the surface", which is what the verdict claims.
 *
 * Hits nearer than a millionth of the model's diagonal are passed through: they are coincident
 * surfaces (a duplicate face left inverted, two shells touching), not a wall, and their distance
 * is float noise. The threshold is relative so a model in metres and one in microns behave alike.
 */
import type { Mesh } from '../mesh.ts';
import { boundingBox } from '../mesh.ts';
import { buildBvh, castRay } from './triangle-bvh.ts';

export interface ThinWallOptions {
  /** Rays to cast, spread over the surface by area. */
  samples: number;
}

export const THIN_WALL_DEFAULTS: Readonly<ThinWallOptions> = { samples: 2000 };

/** Hits nearer than this fraction of the bounding-box diagonal are coincident surfaces, passed through. */
const COINCIDENT_FRACTION = 1e-6;
/** The R2 low-discrepancy sequence (Roberts 2018): evenly spread points in the unit square without a random source. */
const R2_A = 0.7548776662466927,
  R2_B = 0.5698402909980532;

export interface ThinWallEstimate {
  /** Samples whose ray measured a wall (each stands for the same share of the surface). */
  sampledFaces: number;
  minMm: number;
  /** Thickness under which 5% of the sampled surface lies. */
  p5Mm: number;
  medianMm: number;
}

export function estimateThinWalls(mesh: Mesh, options: Partial<ThinWallOptions> = {}): ThinWallEstimate | undefined {
  const { samples } = { ...THIN_WALL_DEFAULTS, ...options };
  const faces = mesh.indices.length / 3;
  if (faces === 0 || samples < 1) return undefined;
  const p = mesh.positions,
    t = mesh.indices;
  const area = new Float64Array(faces);
  let total = 0;
  for (let f = 0; f < faces; f++) {
    area[f] = faceArea(p, t, f);
    total += area[f];
  }
  if (!(total > 0)) return undefined;
  const box = boundingBox(mesh);
  const minDistance = COINCIDENT_FRACTION * Math.hypot(box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2]);
  const bvh = buildBvh(mesh);
  const spacing = total / samples;
  const thickness: number[] = [];
  const o = [0, 0, 0];
  // Sample i sits at cumulative area (i + 0.5) * spacing: a face gets as many samples as
  // spacings fall inside its share of the surface (none for most slivers).
  let next = 0.5 * spacing,
    start = 0;
  for (let f = 0; f < faces && next < total; f++) {
    const end = start + area[f];
    // A degenerate face (no normal) has no area either, so it is never sampled.
    const n = next < end ? faceNormal(p, t, f) : undefined;
    for (let k = 0; n && next < end; next += spacing, k++) {
      // First sample at the centroid, further ones along the R2 sequence folded into the triangle.
      let u = 1 / 3,
        v = 1 / 3;
      if (k > 0) {
        u = (0.5 + k * R2_A) % 1;
        v = (0.5 + k * R2_B) % 1;
        if (u + v > 1) [u, v] = [1 - u, 1 - v];
      }
      const a = t[f * 3] * 3,
        b = t[f * 3 + 1] * 3,
        c = t[f * 3 + 2] * 3;
      for (let j = 0; j < 3; j++) o[j] = p[a + j] + u * (p[b + j] - p[a + j]) + v * (p[c + j] - p[a + j]);
      const d = [-n[0], -n[1], -n[2]];
      const hit = castRay(bvh, o, d, f, minDistance);
      if (!hit) continue;
      const m = faceNormal(p, t, hit.face);
      if (!m || m[0] * d[0] + m[1] * d[1] + m[2] * d[2] <= 0) continue;
      thickness.push(hit.distance);
    }
    while (next < end) next += spacing;
    start = end;
  }
  if (thickness.length === 0) return undefined;
  thickness.sort((x, y) => x - y);
  const at = (q: number) => thickness[Math.min(thickness.length - 1, Math.floor(q * thickness.length))];
  return { sampledFaces: thickness.length, minMm: thickness[0], p5Mm: at(0.05), medianMm: at(0.5) };
}

export function faceNormal(p: Float32Array, t: Uint32Array, f: number): [number, number, number] | undefined {
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
  return len > 0 ? [nx / len, ny / len, nz / len] : undefined;
}

function faceArea(p: Float32Array, t: Uint32Array, f: number): number {
  const a = t[f * 3] * 3,
    b = t[f * 3 + 1] * 3,
    c = t[f * 3 + 2] * 3;
  const ux = p[b] - p[a],
    uy = p[b + 1] - p[a + 1],
    uz = p[b + 2] - p[a + 2];
  const vx = p[c] - p[a],
    vy = p[c + 1] - p[a + 1],
    vz = p[c + 2] - p[a + 2];
  return Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx) / 2;
}
