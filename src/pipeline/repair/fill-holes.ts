/**
 * Repair step 6: close holes. Boundary half-edges (edges with one face) are chained into loops
 * (from each boundary edge's end vertex, take an unused boundary edge starting there); each loop
 * is filled with triangles wound opposite to the loop, so they continue the surface's
 * orientation.
 *
 * Triangulation: ear clipping (O(n^2), Eberly's "Triangulation by Ear Clipping") on the loop
 * projected to its Newell-normal plane, which handles the non-convex outlines of real holes;
 * loops longer than maxEarClipVertices get a fan around an added centroid vertex instead (ear
 * clipping a 20k-vertex cut would take seconds). Loops that are not simple in projection still
 * get filled: when no proper ear exists the most convex corner is clipped, so we always close.
 */
import type { Mesh } from '../mesh.ts';
import { buildEdgeTopology, edgeUses, nextHalf } from './edge-topology.ts';

export interface FillHolesOptions {
  /** Longer loops are fanned around their centroid instead of ear-clipped. */
  maxEarClipVertices: number;
}

export const FILL_HOLES_DEFAULTS: Readonly<FillHolesOptions> = { maxEarClipVertices: 2000 };

export interface FillHolesResult {
  mesh: Mesh;
  holesFilled: number;
  trianglesAdded: number;
}

/** `topology`, when given, must be the edge topology of mesh.indices. Added faces come after the old ones. */
export function fillHoles(
  mesh: Mesh,
  options: Partial<FillHolesOptions> = {},
  topology = buildEdgeTopology(mesh.indices),
): FillHolesResult {
  const { maxEarClipVertices } = { ...FILL_HOLES_DEFAULTS, ...options };
  const t = mesh.indices;
  const outgoing = new Map<number, number[]>(); // vertex -> boundary half-edges starting there
  for (let h = 0; h < t.length; h++) {
    if (edgeUses(topology, topology.edgeOfHalf[h]) !== 1) continue;
    const list = outgoing.get(t[h]);
    if (list) list.push(h);
    else outgoing.set(t[h], [h]);
  }
  if (outgoing.size === 0) return { mesh, holesFilled: 0, trianglesAdded: 0 };

  const used = new Set<number>();
  const added: number[] = [];
  const extraPositions: number[] = [];
  let holesFilled = 0;
  const vertexCount = mesh.positions.length / 3;
  for (const [, list] of outgoing) {
    for (const first of list) {
      if (used.has(first)) continue;
      const loop: number[] = [];
      let h = first;
      while (h >= 0 && !used.has(h)) {
        used.add(h);
        loop.push(t[h]);
        const candidates = outgoing.get(t[nextHalf(h)]);
        h = candidates?.find((c) => !used.has(c)) ?? -1;
      }
      if (loop.length < 3) continue;
      loop.reverse(); // the fill runs against the boundary
      holesFilled++;
      if (loop.length > maxEarClipVertices) {
        const centre = vertexCount + extraPositions.length / 3;
        extraPositions.push(...centroid(mesh.positions, loop));
        for (let i = 0; i < loop.length; i++) added.push(loop[i], loop[(i + 1) % loop.length], centre);
      } else {
        earClip(mesh.positions, loop, added);
      }
    }
  }
  let positions = mesh.positions;
  if (extraPositions.length > 0) {
    positions = new Float32Array(mesh.positions.length + extraPositions.length);
    positions.set(mesh.positions);
    positions.set(extraPositions, mesh.positions.length);
  }
  const indices = new Uint32Array(t.length + added.length);
  indices.set(t);
  indices.set(added, t.length);
  return { mesh: { positions, indices }, holesFilled, trianglesAdded: added.length / 3 };
}

function centroid(p: Float32Array, loop: number[]): [number, number, number] {
  const c: [number, number, number] = [0, 0, 0];
  for (const v of loop) for (let k = 0; k < 3; k++) c[k] += p[v * 3 + k] / loop.length;
  return c;
}

/** Appends triangles of the polygon `loop` (vertex ids, CCW about its Newell normal) to out. */
export function earClip(p: Float32Array, loop: number[], out: number[]): void {
  if (loop.length === 3) {
    out.push(loop[0], loop[1], loop[2]);
    return;
  }
  // Newell normal, then an orthonormal basis (u, v) of its plane.
  let nx = 0,
    ny = 0,
    nz = 0;
  for (let i = 0; i < loop.length; i++) {
    const a = loop[i] * 3,
      b = loop[(i + 1) % loop.length] * 3;
    nx += (p[a + 1] - p[b + 1]) * (p[a + 2] + p[b + 2]);
    ny += (p[a + 2] - p[b + 2]) * (p[a] + p[b]);
    nz += (p[a] - p[b]) * (p[a + 1] + p[b + 1]);
  }
  const len = Math.hypot(nx, ny, nz) || 1;
  nx /= len;
  ny /= len;
  nz /= len;
  const ax = Math.abs(nx) < 0.9 ? 1 : 0,
    ay = ax ? 0 : 1;
  let ux = ay * nz - 0 * ny,
    uy = 0 * nx - ax * nz,
    uz = ax * ny - ay * nx;
  const ul = Math.hypot(ux, uy, uz) || 1;
  ux /= ul;
  uy /= ul;
  uz /= ul;
  const vx = ny * uz - nz * uy,
    vy = nz * ux - nx * uz,
    vz = nx * uy - ny * ux;
  const xs = loop.map((i) => p[i * 3] * ux + p[i * 3 + 1] * uy + p[i * 3 + 2] * uz);
  const ys = loop.map((i) => p[i * 3] * vx + p[i * 3 + 1] * vy + p[i * 3 + 2] * vz);

  const ring = loop.map((_, i) => i);
  const cross = (a: number, b: number, c: number) => (xs[b] - xs[a]) * (ys[c] - ys[a]) - (ys[b] - ys[a]) * (xs[c] - xs[a]);
  const inside = (q: number, a: number, b: number, c: number) => cross(a, b, q) >= 0 && cross(b, c, q) >= 0 && cross(c, a, q) >= 0;
  while (ring.length > 3) {
    const n = ring.length;
    let best = -1;
    let bestTurn = -Infinity;
    for (let i = 0; i < n; i++) {
      const a = ring[(i + n - 1) % n],
        b = ring[i],
        c = ring[(i + 1) % n];
      const turn = cross(a, b, c);
      if (turn > bestTurn) {
        bestTurn = turn;
        best = i;
      }
      if (turn <= 0) continue;
      let blocked = false;
      for (let j = 0; j < n && !blocked; j++) {
        const q = ring[j];
        if (q === a || q === b || q === c) continue;
        if (xs[q] === xs[b] && ys[q] === ys[b]) continue; // a pinched loop visits a point twice
        blocked = inside(q, a, b, c);
      }
      if (!blocked) {
        best = i;
        break;
      }
    }
    const a = ring[(best + n - 1) % n],
      b = ring[best],
      c = ring[(best + 1) % n];
    out.push(loop[a], loop[b], loop[c]);
    ring.splice(best, 1);
  }
  out.push(loop[ring[0]], loop[ring[1]], loop[ring[2]]);
}
