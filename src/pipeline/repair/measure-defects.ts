/**
 * Defect counts for the report, measured the way corpus/MANIFEST.md measures them: weld exactly
 * equal positions, then count uses of each undirected edge.
 *   open edges: used by one face;  non-manifold edges: used by three or more faces;
 *   flipped edges: used by two faces that run it the same way (an orientation conflict);
 *   shells: face groups connected through shared edges (any use count);
 *   degenerate faces: zero area, with two corners at one position or all three on a line (an
 *   altitude within a millionth of the model's size, the self-intersection count's "touching";
 *   float32 keeps ~7 digits). manifold-3d collapses some of them when it builds the solid (the
 *   report's sliversCollapsed), so they are counted here whether or not they share a vertex.
 */
import type { Mesh } from '../mesh.ts';
import { buildEdgeTopology, type EdgeTopology } from './edge-topology.ts';
import { UnionFind } from './union-find.ts';
import { weldExact } from './weld-exact.ts';

export interface DefectCounts {
  triangles: number;
  openEdges: number;
  nonManifoldEdges: number;
  flippedEdges: number;
  shells: number;
  /** Faces of zero area: two corners at the same position, or all three on a line (within a millionth of the size). */
  degenerateFaces: number;
}

export function measureDefects(mesh: Mesh, alreadyWelded = false): DefectCounts {
  const welded = alreadyWelded ? mesh : weldExact(mesh).mesh;
  return measureWeldedDefects(welded, buildEdgeTopology(welded.indices));
}

/** measureDefects for a mesh already welded, with its edge topology (the mesh pipeline shares both with repair). */
export function measureWeldedDefects(welded: Mesh, topology: EdgeTopology): DefectCounts {
  const t = welded.indices;
  const faces = t.length / 3;
  let openEdges = 0,
    nonManifoldEdges = 0,
    flippedEdges = 0;
  const sets = new UnionFind(faces);
  for (let e = 0; e < topology.edgeCount; e++) {
    const start = topology.halfStart[e],
      uses = topology.halfStart[e + 1] - start;
    if (uses === 1) openEdges++;
    else if (uses > 2) nonManifoldEdges++;
    else {
      const h = topology.halves[start],
        g = topology.halves[start + 1];
      if (t[h] === t[g]) flippedEdges++;
    }
    for (let i = 1; i < uses; i++) sets.union((topology.halves[start] / 3) | 0, (topology.halves[start + i] / 3) | 0);
  }
  let shells = 0;
  for (let f = 0; f < faces; f++) if (sets.find(f) === f) shells++;
  return { triangles: faces, openEdges, nonManifoldEdges, flippedEdges, shells, degenerateFaces: countZeroAreaFaces(welded) };
}

/** Relative size under which a face's smallest altitude counts as zero (see the header). */
const ZERO_ALTITUDE = 1e-6;

/** Faces whose smallest altitude (twice the area over the longest edge) is within ZERO_ALTITUDE of the model's size. */
export function countZeroAreaFaces(mesh: Mesh): number {
  const p = mesh.positions,
    t = mesh.indices;
  let scale = 0;
  for (let i = 0; i < p.length; i++) scale = Math.max(scale, Math.abs(p[i]));
  const min = [Infinity, Infinity, Infinity],
    max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], p[i + k]);
      max[k] = Math.max(max[k], p[i + k]);
    }
  }
  for (let k = 0; k < 3; k++) if (max[k] > min[k]) scale = Math.max(scale, max[k] - min[k]);
  const tolerance = ZERO_ALTITUDE * (scale || 1);
  let count = 0;
  for (let f = 0; f < t.length; f += 3) {
    const a = t[f],
      b = t[f + 1],
      c = t[f + 2];
    if (a === b || b === c || a === c) {
      count++;
      continue;
    }
    const ux = p[b * 3] - p[a * 3],
      uy = p[b * 3 + 1] - p[a * 3 + 1],
      uz = p[b * 3 + 2] - p[a * 3 + 2];
    const vx = p[c * 3] - p[a * 3],
      vy = p[c * 3 + 1] - p[a * 3 + 1],
      vz = p[c * 3 + 2] - p[a * 3 + 2];
    const wx = vx - ux,
      wy = vy - uy,
      wz = vz - uz;
    const longest = Math.sqrt(Math.max(ux * ux + uy * uy + uz * uz, vx * vx + vy * vy + vz * vz, wx * wx + wy * wy + wz * wz));
    const doubleArea = Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
    if (doubleArea <= tolerance * longest) count++;
  }
  return count;
}
