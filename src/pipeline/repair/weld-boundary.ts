/**
 * Repair step 2: tolerance weld, restricted to vertices on open edges. Exporters that round
 * coordinates (admesh's exact-bad block is off by 5e-4 in each axis) leave cracks the exact weld
 * cannot close. Welding only boundary vertices keeps closed detail intact, so a valid solid never
 * loses a triangle here (admesh --nearby works on unconnected edges for the same reason).
 *
 * Method: a spatial hash with cells one tolerance wide; each boundary vertex looks in the 27
 * cells around it and joins (union-find) every boundary vertex within the tolerance. The
 * tolerance is relative to the bounding-box diagonal so it is unit-free.
 */
import { boundingBox, type Mesh } from '../mesh.ts';
import { buildEdgeTopology, edgeUses, nextHalf } from './edge-topology.ts';
import { UnionFind } from './union-find.ts';
import { compact } from './weld-exact.ts';

export interface WeldBoundaryOptions {
  /** Weld distance as a fraction of the bounding-box diagonal. */
  relativeTolerance: number;
}

export const WELD_BOUNDARY_DEFAULTS: Readonly<WeldBoundaryOptions> = { relativeTolerance: 1e-3 };

/** `topology`, when given, must be the edge topology of mesh.indices (repair passes its own). */
export function weldBoundary(
  mesh: Mesh,
  options: Partial<WeldBoundaryOptions> = {},
  topology = buildEdgeTopology(mesh.indices),
): { mesh: Mesh; merged: number } {
  const { relativeTolerance } = { ...WELD_BOUNDARY_DEFAULTS, ...options };
  const vertexCount = mesh.positions.length / 3;
  const onBoundary = new Uint8Array(vertexCount);
  let boundaryCount = 0;
  for (let h = 0; h < mesh.indices.length; h++) {
    if (edgeUses(topology, topology.edgeOfHalf[h]) !== 1) continue;
    boundaryCount += mark(onBoundary, mesh.indices[h]) + mark(onBoundary, mesh.indices[nextHalf(h)]);
  }
  if (boundaryCount < 2) return { mesh, merged: 0 };

  const box = boundingBox(mesh);
  const diagonal = Math.hypot(box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2]);
  const tolerance = diagonal * relativeTolerance;
  if (!(tolerance > 0)) return { mesh, merged: 0 };
  const p = mesh.positions;
  const cell = (v: number, k: number) => Math.floor((p[v * 3 + k] - box.min[k]) / tolerance);
  const cells = new Map<number, number[]>();
  // Cell coordinates fit 2^20 per axis only when the tolerance is not absurdly small; the key
  // mixes them into one safe integer, and collisions just mean a few extra distance checks.
  const cellKey = (x: number, y: number, z: number) => ((x * 73856093) ^ (y * 19349663) ^ (z * 83492791)) >>> 0;
  const sets = new UnionFind(vertexCount);
  const tolerance2 = tolerance * tolerance;
  for (let v = 0; v < vertexCount; v++) {
    if (!onBoundary[v]) continue;
    const cx = cell(v, 0),
      cy = cell(v, 1),
      cz = cell(v, 2);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dz = -1; dz <= 1; dz++) {
          const bucket = cells.get(cellKey(cx + dx, cy + dy, cz + dz));
          if (!bucket) continue;
          for (const w of bucket) {
            const ex = p[v * 3] - p[w * 3],
              ey = p[v * 3 + 1] - p[w * 3 + 1],
              ez = p[v * 3 + 2] - p[w * 3 + 2];
            if (ex * ex + ey * ey + ez * ez <= tolerance2) sets.union(v, w);
          }
        }
      }
    }
    const key = cellKey(cx, cy, cz);
    const bucket = cells.get(key);
    if (bucket) bucket.push(v);
    else cells.set(key, [v]);
  }

  const remap = new Uint32Array(vertexCount);
  const kept = new Uint32Array(vertexCount);
  let out = 0;
  const outOfRoot = new Int32Array(vertexCount).fill(-1);
  for (let v = 0; v < vertexCount; v++) {
    const root = sets.find(v);
    if (outOfRoot[root] < 0) {
      outOfRoot[root] = out;
      kept[out++] = root;
    }
    remap[v] = outOfRoot[root];
  }
  if (out === vertexCount) return { mesh, merged: 0 };
  return { mesh: compact(mesh, remap, kept, out), merged: vertexCount - out };
}

/** Sets flags[v]; 1 when it was not set before. */
function mark(flags: Uint8Array, v: number): number {
  if (flags[v]) return 0;
  flags[v] = 1;
  return 1;
}
