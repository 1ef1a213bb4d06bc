/**
 * Self-intersections: pairs of faces of one mesh that cross each other. Candidate pairs come from
 * a self-overlap traversal of the triangle BVH (forEachOverlappingPair in triangle-bvh.ts, the tree
 * the thin-wall rays use); each candidate gets the interval test of Möller, "A Fast Triangle-
 * Triangle Intersection Test" (JGT 1997): a triangle that does not have corners strictly on both
 * sides of the other's plane cannot cross it; otherwise both triangles meet the line where the
 * planes meet in one interval each, and they cross when those intervals overlap.
 *
 * What counts, so a valid mesh counts 0:
 * - Pairs sharing two or more vertices (an edge) are skipped.
 * - Only a crossing counts: each triangle has corners strictly on both sides of the other's plane
 *   (farther than `tolerance`), and the two intervals overlap by more than `tolerance`. So coplanar
 *   pairs, a corner or an edge lying on another face (touching), and intersections that are a
 *   single point are not counted. Pairs sharing exactly one vertex are tested the same way: their
 *   intervals both start at the shared vertex, so they count only when the faces really cross
 *   beyond it (one folded through the other), not for a plain fan of neighbours.
 * - Missed on purpose: a surface that crosses a face exactly along one of its own edges (each face
 *   at that edge only touches). Such crossings are made on purpose, not by broken exports.
 * - The tolerance is a millionth of the largest coordinate (float32 keeps ~7 digits), so corners
 *   meant to lie on a face and rounded to float32 read as touching, at any scale.
 *
 * The count stops at `maxPairs` (10,000): `capped` then means "at least that many". A mesh folded
 * through itself over a large area can have a number of crossing pairs that grows with the
 * triangle count, and the repair only needs to know that there are some.
 *
 * Measured (a throwaway tsx script, November 2026, 2 cores shared with other jobs, load 2-4): a
 * closed UV sphere of 1,000,000 triangles (0 pairs) takes 2.1-3.5 s, of which the BVH build is
 * 1.2-1.8 s; the traversal yields 9.3M candidate pairs (0.5-0.7 s), nearly all neighbours sharing
 * a vertex, rejected by the plane test. ~140 MB of typed arrays on top of the mesh (tree 85 MB,
 * per-face planes 32 MB, per-face boxes 24 MB). Corpus: Suzanne (eyes through the head) 98 pairs,
 * the teapot 46; both are separate shells, which the union step resolves (0 after).
 */
import type { Mesh } from '../mesh.ts';
import { buildBvh, forEachOverlappingPair } from './triangle-bvh.ts';
import { faceNormals } from '../face-normals.ts';

export interface SelfIntersectionOptions {
  /** Stop counting after this many crossing pairs (the count then means "at least"). */
  maxPairs: number;
  /** Distances below this fraction of the largest coordinate (or of the size, if larger) are touching. */
  relativeTolerance: number;
}

export const SELF_INTERSECTION_DEFAULTS: Readonly<SelfIntersectionOptions> = { maxPairs: 10_000, relativeTolerance: 1e-6 };

export interface SelfIntersections {
  /** Pairs of faces that cross (at least this many when capped). */
  pairs: number;
  /** True when the count stopped at maxPairs. */
  capped: boolean;
}

export function countSelfIntersections(mesh: Mesh, options: Partial<SelfIntersectionOptions> = {}): SelfIntersections {
  return scan(mesh, { ...SELF_INTERSECTION_DEFAULTS, ...options });
}

/** One crossing pair: the faces and the segment where they cross (its ends, in the mesh's coordinates). */
export interface Crossing {
  f: number;
  g: number;
  a: [number, number, number];
  b: [number, number, number];
}

/** countSelfIntersections, with each crossing pair's faces and segment. */
export function listSelfIntersections(
  mesh: Mesh,
  options: Partial<SelfIntersectionOptions> = {},
): SelfIntersections & { crossings: Crossing[] } {
  const crossings: Crossing[] = [];
  const counted = scan(mesh, { ...SELF_INTERSECTION_DEFAULTS, ...options }, crossings);
  return { ...counted, crossings };
}

function scan(mesh: Mesh, o: SelfIntersectionOptions, crossings?: Crossing[]): SelfIntersections {
  const faces = mesh.indices.length / 3;
  if (faces < 2) return { pairs: 0, capped: false };
  const p = mesh.positions,
    t = mesh.indices;
  const tolerance = o.relativeTolerance * scaleOf(p);

  // Unit normal and plane offset per face; a zero normal marks a degenerate face (never counted).
  const { normals } = faceNormals(mesh);
  const plane = new Float64Array(faces * 4);
  for (let f = 0; f < faces; f++) {
    const a = t[f * 3] * 3;
    const nx = normals[f * 3],
      ny = normals[f * 3 + 1],
      nz = normals[f * 3 + 2];
    plane[f * 4] = nx;
    plane[f * 4 + 1] = ny;
    plane[f * 4 + 2] = nz;
    plane[f * 4 + 3] = nx * p[a] + ny * p[a + 1] + nz * p[a + 2];
  }

  let pairs = 0;
  let capped = false;
  forEachOverlappingPair(buildBvh(mesh), (f, g) => {
    if (sharedVertices(t, f, g) >= 2) return true;
    if (!trianglesCross(p, t, plane, f, g, tolerance)) return true;
    if (crossings) crossings.push(segmentOf(plane, f, g));
    pairs++;
    if (pairs >= o.maxPairs) {
      capped = true;
      return false;
    }
    return true;
  });
  return { pairs, capped };
}

/** The largest absolute coordinate or the largest side of the box, whichever is larger (never 0). */
function scaleOf(p: Float32Array): number {
  let maxAbs = 0;
  const min = [Infinity, Infinity, Infinity],
    max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const v = p[i + k];
      if (v < min[k]) min[k] = v;
      if (v > max[k]) max[k] = v;
      if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
    }
  }
  return Math.max(maxAbs, max[0] - min[0], max[1] - min[1], max[2] - min[2]) || 1;
}

function sharedVertices(t: Uint32Array, f: number, g: number): number {
  let shared = 0;
  for (let i = 0; i < 3; i++) {
    const v = t[f * 3 + i];
    if (v === t[g * 3] || v === t[g * 3 + 1] || v === t[g * 3 + 2]) shared++;
  }
  return shared;
}

// Scratch for the two triangles' signed distances (no allocation per pair).
const distF = new Float64Array(3),
  distG = new Float64Array(3);
const interval = new Float64Array(2);

/** Möller's test with strict sides and a positive-length overlap (see the header). */
function trianglesCross(p: Float32Array, t: Uint32Array, plane: Float64Array, f: number, g: number, tolerance: number): boolean {
  const nfx = plane[f * 4],
    nfy = plane[f * 4 + 1],
    nfz = plane[f * 4 + 2];
  const ngx = plane[g * 4],
    ngy = plane[g * 4 + 1],
    ngz = plane[g * 4 + 2];
  if ((nfx === 0 && nfy === 0 && nfz === 0) || (ngx === 0 && ngy === 0 && ngz === 0)) return false;
  // g's corners against f's plane, then f's against g's: both must straddle.
  if (!straddles(p, t, g, nfx, nfy, nfz, plane[f * 4 + 3], tolerance, distG)) return false;
  if (!straddles(p, t, f, ngx, ngy, ngz, plane[g * 4 + 3], tolerance, distF)) return false;
  // Direction of the line where the planes meet.
  let dx = nfy * ngz - nfz * ngy,
    dy = nfz * ngx - nfx * ngz,
    dz = nfx * ngy - nfy * ngx;
  const len = Math.hypot(dx, dy, dz);
  if (!(len > 0)) return false;
  dx /= len;
  dy /= len;
  dz /= len;
  intervalOnLine(p, t, f, distF, dx, dy, dz);
  const f0 = interval[0],
    f1 = interval[1];
  intervalOnLine(p, t, g, distG, dx, dy, dz);
  const g0 = interval[0],
    g1 = interval[1];
  overlap[0] = Math.max(f0, g0);
  overlap[1] = Math.min(f1, g1);
  return overlap[1] - overlap[0] > tolerance;
}

/** The last crossing's overlap on the planes' common line, as positions along its unit direction. */
const overlap = new Float64Array(2);

/** The segment where faces f and g cross, from the overlap trianglesCross just found. */
function segmentOf(plane: Float64Array, f: number, g: number): Crossing {
  const nf = [plane[f * 4], plane[f * 4 + 1], plane[f * 4 + 2]],
    ng = [plane[g * 4], plane[g * 4 + 1], plane[g * 4 + 2]];
  const df = plane[f * 4 + 3],
    dg = plane[g * 4 + 3];
  const D = [nf[1] * ng[2] - nf[2] * ng[1], nf[2] * ng[0] - nf[0] * ng[2], nf[0] * ng[1] - nf[1] * ng[0]];
  const len2 = D[0] * D[0] + D[1] * D[1] + D[2] * D[2];
  const len = Math.sqrt(len2);
  // A point on both planes: (df (ng x D) + dg (D x nf)) / |D|².
  const u = [ng[1] * D[2] - ng[2] * D[1], ng[2] * D[0] - ng[0] * D[2], ng[0] * D[1] - ng[1] * D[0]];
  const w = [D[1] * nf[2] - D[2] * nf[1], D[2] * nf[0] - D[0] * nf[2], D[0] * nf[1] - D[1] * nf[0]];
  const origin = [0, 1, 2].map((k) => (df * u[k] + dg * w[k]) / len2);
  const unit = D.map((v) => v / len);
  const at = origin[0] * unit[0] + origin[1] * unit[1] + origin[2] * unit[2];
  const point = (s: number) => [0, 1, 2].map((k) => origin[k] + (s - at) * unit[k]) as [number, number, number];
  return { f, g, a: point(overlap[0]), b: point(overlap[1]) };
}

/**
 * Signed distances of face `f`'s corners to the plane (n, offset) into `out`, those within the
 * tolerance set to 0; true when there is a corner strictly on each side.
 */
function straddles(
  p: Float32Array,
  t: Uint32Array,
  f: number,
  nx: number,
  ny: number,
  nz: number,
  offset: number,
  tolerance: number,
  out: Float64Array,
): boolean {
  let above = false,
    below = false;
  for (let k = 0; k < 3; k++) {
    const v = t[f * 3 + k] * 3;
    let d = nx * p[v] + ny * p[v + 1] + nz * p[v + 2] - offset;
    if (Math.abs(d) <= tolerance) d = 0;
    else if (d > 0) above = true;
    else below = true;
    out[k] = d;
  }
  return above && below;
}

/**
 * The interval the face (which straddles the other plane, distances in `dist`) covers on the line
 * with unit direction d: its two points on the plane are corners at distance 0 and edges whose
 * ends are strictly on opposite sides. Writes [min, max] into `interval`.
 */
function intervalOnLine(p: Float32Array, t: Uint32Array, f: number, dist: Float64Array, dx: number, dy: number, dz: number): void {
  let lo = Infinity,
    hi = -Infinity;
  for (let k = 0; k < 3; k++) {
    const v = t[f * 3 + k] * 3;
    const dv = dist[k];
    if (dv === 0) {
      const s = dx * p[v] + dy * p[v + 1] + dz * p[v + 2];
      if (s < lo) lo = s;
      if (s > hi) hi = s;
      continue;
    }
    const k2 = (k + 1) % 3;
    const dw = dist[k2];
    if (dw === 0 || dv > 0 === dw > 0) continue;
    const w = t[f * 3 + k2] * 3;
    const r = dv / (dv - dw);
    const s = dx * (p[v] + (p[w] - p[v]) * r) + dy * (p[v + 1] + (p[w + 1] - p[v + 1]) * r) + dz * (p[v + 2] + (p[w + 2] - p[v + 2]) * r);
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  interval[0] = lo;
  interval[1] = hi;
}
