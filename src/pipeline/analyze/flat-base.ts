/**
 * orient: 'flat-base' — the pose that gives the model the most first layer to stand on.
 *
 * Candidates: the faces of the convex hull (manifold-3d's Manifold.hull of the vertices). A model
 * at rest on a bed touches it with a hull face; grouping the hull's triangles by normal (~1°)
 * gives its facets, whose area is an upper bound for the contact they offer. Each facet is also
 * tested for stability (the centre of mass, projected along the facet's normal, falls inside the
 * facet: the part would stay put), as resting-pose methods for parts do. The largest facets and
 * the largest stable ones (MAX_CANDIDATES), plus the pose as it is, are scored by their real bed
 * contact: the section half a first layer above the bed (bed-contact.ts), which counts a base a
 * hair out of level and not a facet that only spans three spike tips.
 *
 * Choice: a pose whose contact a slicer can print (area and width over the thresholds) first, then
 * the largest contact (equal within 0.1%), then a stable one, then the least turn from the pose
 * as it is (so a model already standing on its base is left alone). When no pose has printable
 * contact the best one is still returned, with `adequate` false: the verdict says so.
 *
 * Cost (December 2026, a 998k-triangle sphere, the worst case: every vertex is on the hull):
 * 2.2 s. manifold-3d's hull costs by the hull's size (166k points all on it: 11 s; 10k: ~0.5 s),
 * so it is built from a strided sample of 10k vertices plus the extreme vertex in 26 directions;
 * the scoring uses every vertex. One contact section is ~0.13 s at 1M triangles; 16 candidates.
 *
 * Replaced (December 2026): candidates from the 64 heaviest groups of face normals, scored by the
 * area of faces within 1° of level lying on the support plane. It missed bases that are flat to a
 * tenth of a millimetre but not exactly (scans, sculpts, AI meshes): a dome on such a base was laid
 * on a dome facet (test/pipeline/mesh-pipeline.test.ts, "bed contact").
 */
import type { Manifold, ManifoldToplevel } from 'manifold-3d';
import type { Mesh } from '../mesh.ts';
import { type BedContact, measureBedContact } from './bed-contact.ts';

export interface FlatBaseOptions {
  /** Contact below this area (mm²) is not printable. */
  minContactMm2: number;
  /** Contact narrower than this (2 x area / perimeter, mm; about a nozzle) is not printable. */
  minContactWidthMm: number;
  /** Hull facets scored at most (each costs one pass over the faces). */
  maxCandidates: number;
  /** Hull built from at most this many vertices (evenly strided; the scoring uses them all). */
  maxHullPoints: number;
}

export const FLAT_BASE_DEFAULTS: Readonly<FlatBaseOptions> = {
  minContactMm2: 1,
  minContactWidthMm: 0.4,
  maxCandidates: 16,
  maxHullPoints: 10_000,
};

export interface FlatBaseResult {
  mesh: Mesh;
  /** The direction that now points down, in the input's frame. */
  baseNormal: [number, number, number];
  /** The first-layer contact in that pose. */
  contact: BedContact;
  /** The contact is printable by the thresholds. */
  adequate: boolean;
  /** The centre of mass lies over the base facet (true for the pose as it is when it won). */
  stable: boolean;
  rotated: boolean;
}

const DOWN: [number, number, number] = [0, 0, -1];
const EXTREME_DIRECTIONS: number[][] = [];
for (const x of [-1, 0, 1]) for (const y of [-1, 0, 1]) for (const z of [-1, 0, 1]) if (x || y || z) EXTREME_DIRECTIONS.push([x, y, z]);

interface Candidate {
  d: [number, number, number];
  area: number;
  stable: boolean;
}

export function orientFlatBase(mesh: Mesh, wasm: ManifoldToplevel, options: Partial<FlatBaseOptions> = {}): FlatBaseResult {
  const o = { ...FLAT_BASE_DEFAULTS, ...options };
  const facets = hullFacets(mesh, wasm, o.maxHullPoints, centreOfMass(mesh));
  const byArea = [...facets].sort((x, y) => y.area - x.area);
  const picked = new Set<Candidate>([
    ...byArea.slice(0, o.maxCandidates / 2),
    ...byArea.filter((f) => f.stable).slice(0, o.maxCandidates / 2),
  ]);
  // The pose as it is is stable when it already stands on a hull facet that holds the centre of mass.
  const currentStable = facets.some((f) => f.d[2] < -0.99999 && f.stable);
  const scored = [{ d: DOWN, stable: currentStable, current: true }, ...[...picked].map((f) => ({ ...f, current: false }))].map((c) => {
    const contact = measureBedContact(mesh, c.d);
    return { ...c, contact, adequate: contact.areaMm2 >= o.minContactMm2 && contact.widthMm >= o.minContactWidthMm };
  });
  let best = scored[0];
  for (const c of scored.slice(1)) if (better(c, best)) best = c;
  const result = { baseNormal: best.d, contact: best.contact, adequate: best.adequate, stable: best.stable };
  // A facet facing down already (within ~0.1°) is the pose as it is: no turn.
  if (best.current || best.d[2] < -0.999999) return { ...result, baseNormal: DOWN, mesh, rotated: false };
  return { ...result, mesh: rotateToDown(mesh, best.d), rotated: true };
}

function better(
  a: { contact: BedContact; adequate: boolean; stable: boolean; d: readonly number[] },
  b: { contact: BedContact; adequate: boolean; stable: boolean; d: readonly number[] },
): boolean {
  if (a.adequate !== b.adequate) return a.adequate;
  const larger = Math.max(a.contact.areaMm2, b.contact.areaMm2);
  if (Math.abs(a.contact.areaMm2 - b.contact.areaMm2) > larger * 1e-3) return a.contact.areaMm2 > b.contact.areaMm2;
  if (a.stable !== b.stable) return a.stable;
  return -a.d[2] > -b.d[2] + 1e-9; // nearer the current down (0, 0, -1): less turned
}

/** The hull's facets (triangles grouped by normal, ~1°): outward normal, area, stability. */
function hullFacets(mesh: Mesh, wasm: ManifoldToplevel, maxPoints: number, centre: readonly number[]): Candidate[] {
  const p = mesh.positions;
  const vertices = p.length / 3;
  const stride = Math.max(1, Math.ceil(vertices / maxPoints));
  const points: [number, number, number][] = [];
  for (let v = 0; v < vertices; v += stride) points.push([p[v * 3], p[v * 3 + 1], p[v * 3 + 2]]);
  // A strided sample can miss the tips a model stands on: the extreme vertex in each of 26
  // directions (faces, edges and corners of a cube) is always in.
  if (stride > 1) {
    for (const d of EXTREME_DIRECTIONS) {
      let best = 0,
        bestValue = -Infinity;
      for (let v = 0; v < vertices; v++) {
        const value = p[v * 3] * d[0] + p[v * 3 + 1] * d[1] + p[v * 3 + 2] * d[2];
        if (value > bestValue) {
          bestValue = value;
          best = v;
        }
      }
      points.push([p[best * 3], p[best * 3 + 1], p[best * 3 + 2]]);
    }
  }
  let hull: Manifold | undefined;
  let hp: Float32Array;
  let ht: Uint32Array;
  let numProp: number;
  try {
    hull = wasm.Manifold.hull(points);
    const out = hull.getMesh();
    hp = out.vertProperties;
    ht = out.triVerts;
    numProp = out.numProp;
  } catch {
    return []; // flat or degenerate point sets have no hull: only the pose as it is is scored
  } finally {
    hull?.delete();
  }
  const groups = new Map<string, { n: [number, number, number]; area: number; triangles: number[] }>();
  for (let f = 0; f < ht.length; f += 3) {
    const a = ht[f] * numProp,
      b = ht[f + 1] * numProp,
      c = ht[f + 2] * numProp;
    const ux = hp[b] - hp[a],
      uy = hp[b + 1] - hp[a + 1],
      uz = hp[b + 2] - hp[a + 2];
    const vx = hp[c] - hp[a],
      vy = hp[c + 1] - hp[a + 1],
      vz = hp[c + 2] - hp[a + 2];
    const nx = uy * vz - uz * vy,
      ny = uz * vx - ux * vz,
      nz = ux * vy - uy * vx;
    const double = Math.hypot(nx, ny, nz);
    if (!(double > 0)) continue;
    const key = `${Math.round((nx / double) * 60)},${Math.round((ny / double) * 60)},${Math.round((nz / double) * 60)}`;
    const group = groups.get(key) ?? { n: [0, 0, 0] as [number, number, number], area: 0, triangles: [] };
    group.n[0] += nx / 2;
    group.n[1] += ny / 2;
    group.n[2] += nz / 2;
    group.area += double / 2;
    group.triangles.push(f);
    groups.set(key, group);
  }
  const facets: Candidate[] = [];
  for (const group of groups.values()) {
    const len = Math.hypot(...group.n);
    if (!(len > 0)) continue;
    const d: [number, number, number] = [group.n[0] / len, group.n[1] / len, group.n[2] / len];
    const stable = group.triangles.some((f) => projectsInto(hp, ht, numProp, f, centre, d));
    facets.push({ d, area: group.area, stable });
  }
  return facets;
}

/** Whether `point`, moved along d onto hull triangle f's plane, lies inside that triangle. */
function projectsInto(
  hp: Float32Array,
  ht: Uint32Array,
  numProp: number,
  f: number,
  point: readonly number[],
  d: readonly number[],
): boolean {
  const corner = (k: number) => [hp[ht[f + k] * numProp], hp[ht[f + k] * numProp + 1], hp[ht[f + k] * numProp + 2]];
  const [a, b, c] = [corner(0), corner(1), corner(2)];
  const along = (a[0] - point[0]) * d[0] + (a[1] - point[1]) * d[1] + (a[2] - point[2]) * d[2];
  const q = [point[0] + d[0] * along, point[1] + d[1] * along, point[2] + d[2] * along];
  // Same side of each edge as the triangle's normal (d): inside or on it.
  for (const [u, w] of [
    [a, b],
    [b, c],
    [c, a],
  ]) {
    const ex = w[0] - u[0],
      ey = w[1] - u[1],
      ez = w[2] - u[2];
    const qx = q[0] - u[0],
      qy = q[1] - u[1],
      qz = q[2] - u[2];
    const side = (ey * qz - ez * qy) * d[0] + (ez * qx - ex * qz) * d[1] + (ex * qy - ey * qx) * d[2];
    if (side < 0) return false;
  }
  return true;
}

/** Centre of mass of a closed outward mesh (solid of uniform density); the vertex mean when it encloses nothing. */
export function centreOfMass(mesh: Mesh): [number, number, number] {
  const p = mesh.positions,
    t = mesh.indices;
  // Relative to the first vertex, so far-away models keep their digits.
  const ox = p[0] ?? 0,
    oy = p[1] ?? 0,
    oz = p[2] ?? 0;
  let volume = 0,
    cx = 0,
    cy = 0,
    cz = 0;
  for (let f = 0; f < t.length; f += 3) {
    const a = t[f] * 3,
      b = t[f + 1] * 3,
      c = t[f + 2] * 3;
    const ax = p[a] - ox,
      ay = p[a + 1] - oy,
      az = p[a + 2] - oz;
    const bx = p[b] - ox,
      by = p[b + 1] - oy,
      bz = p[b + 2] - oz;
    const qx = p[c] - ox,
      qy = p[c + 1] - oy,
      qz = p[c + 2] - oz;
    const v = ax * (by * qz - bz * qy) - ay * (bx * qz - bz * qx) + az * (bx * qy - by * qx);
    volume += v;
    cx += v * (ax + bx + qx);
    cy += v * (ay + by + qy);
    cz += v * (az + bz + qz);
  }
  if (volume > 0) return [ox + cx / (4 * volume), oy + cy / (4 * volume), oz + cz / (4 * volume)];
  let mx = 0,
    my = 0,
    mz = 0;
  const n = p.length / 3 || 1;
  for (let i = 0; i < p.length; i += 3) {
    mx += p[i];
    my += p[i + 1];
    mz += p[i + 2];
  }
  return [mx / n, my / n, mz / n];
}

/** Rotation (Rodrigues) taking unit vector d to (0, 0, -1). */
function rotateToDown(mesh: Mesh, d: readonly number[]): Mesh {
  const target = [0, 0, -1];
  const axis = [d[1] * target[2] - d[2] * target[1], d[2] * target[0] - d[0] * target[2], d[0] * target[1] - d[1] * target[0]];
  const sin = Math.hypot(axis[0], axis[1], axis[2]);
  const cos = d[0] * target[0] + d[1] * target[1] + d[2] * target[2];
  let k: number[];
  if (sin < 1e-12)
    k = cos > 0 ? [0, 0, 1] : [1, 0, 0]; // identity, or a half turn about x
  else k = axis.map((a) => a / sin);
  const angle = Math.atan2(sin, cos);
  const c = Math.cos(angle),
    s = Math.sin(angle),
    C = 1 - c;
  const [x, y, z] = k;
  const m = [
    c + x * x * C,
    x * y * C - z * s,
    x * z * C + y * s,
    y * x * C + z * s,
    c + y * y * C,
    y * z * C - x * s,
    z * x * C - y * s,
    z * y * C + x * s,
    c + z * z * C,
  ];
  const src = mesh.positions;
  const positions = new Float32Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const px = src[i],
      py = src[i + 1],
      pz = src[i + 2];
    positions[i] = m[0] * px + m[1] * py + m[2] * pz;
    positions[i + 1] = m[3] * px + m[4] * py + m[5] * pz;
    positions[i + 2] = m[6] * px + m[7] * py + m[8] * pz;
  }
  return { positions, indices: mesh.indices };
}
