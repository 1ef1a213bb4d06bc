/**
 * Repair step 4: pull apart non-manifold edges and vertices (two cubes sharing an edge, cones
 * touching at a tip) so every edge has at most two faces before orientation and manifold-3d.
 *
 * Method (the "fan split" used by OpenMesh and trimesh): around each vertex, group its incident
 * faces into fans, where two faces are in one fan if they share an edge through the vertex that
 * has exactly two faces. Edges with three or more faces connect nothing, so the two cubes fall
 * into two fans at each shared vertex. The first fan keeps the vertex; every other fan gets a
 * copy at the same position. One union-find over face corners, linear time.
 * An edge can stay over-used when its faces also meet elsewhere around both endpoints; the
 * caller measures again and falls back to a boolean union.
 */
import type { Mesh } from '../mesh.ts';
import { buildEdgeTopology, edgeUses, nextHalf, prevHalf, twinHalf, type EdgeTopology } from './edge-topology.ts';
import { UnionFind } from './union-find.ts';

export interface SplitResult {
  mesh: Mesh;
  nonManifoldEdges: number;
  /** Vertex copies added. */
  splitVertices: number;
}

/** `topology`, when given, must be the edge topology of mesh.indices. */
export function splitNonManifold(mesh: Mesh, topology = buildEdgeTopology(mesh.indices)): SplitResult {
  const t = mesh.indices;
  let nonManifoldEdges = 0;
  for (let e = 0; e < topology.edgeCount; e++) if (edgeUses(topology, e) > 2) nonManifoldEdges++;

  // Corner c (= half-edge index) sits at vertex t[c]. Its face's edges through t[c] are the
  // half-edge c (t[c] -> t[next]) and prev(c) (t[prev] -> t[c]).
  const corners = new UnionFind(t.length);
  for (let c = 0; c < t.length; c++) {
    joinAcross(t, topology, corners, c, c);
    joinAcross(t, topology, corners, c, prevHalf(c));
  }

  const vertexCount = mesh.positions.length / 3;
  const fanOfVertex = new Int32Array(vertexCount).fill(-1); // root corner of the fan keeping v
  const copyOfRoot = new Map<number, number>();
  const extra: number[] = [];
  const indices = new Uint32Array(t.length);
  for (let c = 0; c < t.length; c++) {
    const v = t[c];
    const root = corners.find(c);
    if (fanOfVertex[v] < 0) fanOfVertex[v] = root;
    if (fanOfVertex[v] === root) {
      indices[c] = v;
      continue;
    }
    let copy = copyOfRoot.get(root);
    if (copy === undefined) {
      copy = vertexCount + extra.length;
      extra.push(v);
      copyOfRoot.set(root, copy);
    }
    indices[c] = copy;
  }
  if (extra.length === 0) return { mesh, nonManifoldEdges, splitVertices: 0 };
  const positions = new Float32Array((vertexCount + extra.length) * 3);
  positions.set(mesh.positions);
  for (let i = 0; i < extra.length; i++) {
    positions.set(mesh.positions.subarray(extra[i] * 3, extra[i] * 3 + 3), (vertexCount + i) * 3);
  }
  return { mesh: { positions, indices }, nonManifoldEdges, splitVertices: extra.length };
}

/** Joins corner c with the corner at the same vertex across half-edge h, when h has a twin. */
function joinAcross(t: Uint32Array, topology: EdgeTopology, corners: UnionFind, c: number, h: number): void {
  const twin = twinHalf(topology, h);
  if (twin < 0) return;
  // The twin face's corner at t[c]: either the twin's start or its end.
  const v = t[c];
  const other = t[twin] === v ? twin : nextHalf(twin);
  if (t[other] === v) corners.union(c, other);
}
