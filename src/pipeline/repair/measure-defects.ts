/**
 * Defect counts for the report, measured the way corpus/MANIFEST.md measures them: weld exactly
 * equal positions, then count uses of each undirected edge.
 *   open edges: used by one face;  non-manifold edges: used by three or more faces;
 *   flipped edges: used by two faces that run it the same way (an orientation conflict);
 *   shells: face groups connected through shared edges (any use count).
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
  /** Faces with two corners at the same position. */
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
  let shells = 0,
    degenerateFaces = 0;
  for (let f = 0; f < faces; f++) {
    if (sets.find(f) === f) shells++;
    if (t[f * 3] === t[f * 3 + 1] || t[f * 3 + 1] === t[f * 3 + 2] || t[f * 3] === t[f * 3 + 2]) degenerateFaces++;
  }
  return { triangles: faces, openEdges, nonManifoldEdges, flippedEdges, shells, degenerateFaces };
}
