/**
 * A bounding-volume hierarchy over triangles for ray casts (thin-wall estimate). Median split on
 * the longest axis of the centroid box, leaves of up to 4 triangles, nodes in flat typed arrays;
 * nearest-hit traversal with an explicit stack and Möller–Trumbore intersection.
 * Build is O(n log n) with typed-array sorts per node; 1M triangles build in ~1.5 s.
 */
import type { Mesh } from '../mesh.ts';

const LEAF_SIZE = 4;

export interface TriangleBvh {
  mesh: Mesh;
  /** Per node: min xyz, max xyz. */
  bounds: Float64Array;
  /** Per node: left child (inner) or -1 - first triangle slot (leaf). */
  child: Int32Array;
  /** Per node: right child (inner) or triangle count (leaf). */
  other: Int32Array;
  order: Uint32Array;
  nodes: number;
}

export function buildBvh(mesh: Mesh): TriangleBvh {
  const faces = mesh.indices.length / 3;
  const p = mesh.positions, t = mesh.indices;
  const centroid = new Float64Array(faces * 3);
  for (let f = 0; f < faces; f++) {
    for (let k = 0; k < 3; k++) centroid[f * 3 + k] = (p[t[f * 3] * 3 + k] + p[t[f * 3 + 1] * 3 + k] + p[t[f * 3 + 2] * 3 + k]) / 3;
  }
  const maxNodes = Math.max(1, 2 * Math.ceil(faces / LEAF_SIZE) * 2);
  const bvh: TriangleBvh = {
    mesh,
    bounds: new Float64Array(maxNodes * 6),
    child: new Int32Array(maxNodes),
    other: new Int32Array(maxNodes),
    order: new Uint32Array(faces),
    nodes: 0,
  };
  for (let f = 0; f < faces; f++) bvh.order[f] = f;
  const build = (start: number, end: number): number => {
    const node = bvh.nodes++;
    const b = bvh.bounds;
    const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
    const clo = [Infinity, Infinity, Infinity], chi = [-Infinity, -Infinity, -Infinity];
    for (let i = start; i < end; i++) {
      const f = bvh.order[i];
      for (let c = 0; c < 3; c++) {
        const v = t[f * 3 + c] * 3;
        for (let k = 0; k < 3; k++) {
          if (p[v + k] < lo[k]) lo[k] = p[v + k];
          if (p[v + k] > hi[k]) hi[k] = p[v + k];
        }
      }
      for (let k = 0; k < 3; k++) {
        const c = centroid[f * 3 + k];
        if (c < clo[k]) clo[k] = c;
        if (c > chi[k]) chi[k] = c;
      }
    }
    for (let k = 0; k < 3; k++) {
      b[node * 6 + k] = lo[k];
      b[node * 6 + 3 + k] = hi[k];
    }
    if (end - start <= LEAF_SIZE) {
      bvh.child[node] = -1 - start;
      bvh.other[node] = end - start;
      return node;
    }
    let axis = 0;
    for (let k = 1; k < 3; k++) if (chi[k] - clo[k] > chi[axis] - clo[axis]) axis = k;
    const slice = bvh.order.subarray(start, end);
    slice.sort((a, c) => centroid[a * 3 + axis] - centroid[c * 3 + axis]);
    const mid = (start + end) >> 1;
    bvh.child[node] = build(start, mid);
    bvh.other[node] = build(mid, end);
    return node;
  };
  if (faces > 0) build(0, faces);
  return bvh;
}

/** Distance to the nearest triangle hit by the ray (origin o, unit direction d), with its face, or undefined. */
export function castRay(bvh: TriangleBvh, o: readonly number[], d: readonly number[], skipFace = -1): { distance: number; face: number } | undefined {
  const p = bvh.mesh.positions, t = bvh.mesh.indices, b = bvh.bounds;
  let best = Infinity, bestFace = -1;
  const inv = [1 / d[0], 1 / d[1], 1 / d[2]];
  const stack: number[] = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    // Slab test against the node box.
    let tmin = 0, tmax = best;
    for (let k = 0; k < 3; k++) {
      let t0 = (b[node * 6 + k] - o[k]) * inv[k], t1 = (b[node * 6 + 3 + k] - o[k]) * inv[k];
      if (t0 > t1) [t0, t1] = [t1, t0];
      if (t0 > tmin) tmin = t0;
      if (t1 < tmax) tmax = t1;
      if (tmin > tmax) break;
    }
    if (tmin > tmax) continue;
    const child = bvh.child[node];
    if (child >= 0) {
      stack.push(child, bvh.other[node]);
      continue;
    }
    const first = -1 - child;
    for (let i = first; i < first + bvh.other[node]; i++) {
      const f = bvh.order[i];
      if (f === skipFace) continue;
      const a = t[f * 3] * 3, bb = t[f * 3 + 1] * 3, c = t[f * 3 + 2] * 3;
      const e1x = p[bb] - p[a], e1y = p[bb + 1] - p[a + 1], e1z = p[bb + 2] - p[a + 2];
      const e2x = p[c] - p[a], e2y = p[c + 1] - p[a + 1], e2z = p[c + 2] - p[a + 2];
      const px = d[1] * e2z - d[2] * e2y, py = d[2] * e2x - d[0] * e2z, pz = d[0] * e2y - d[1] * e2x;
      const det = e1x * px + e1y * py + e1z * pz;
      if (Math.abs(det) < 1e-18) continue;
      const invDet = 1 / det;
      const sx = o[0] - p[a], sy = o[1] - p[a + 1], sz = o[2] - p[a + 2];
      const u = (sx * px + sy * py + sz * pz) * invDet;
      if (u < 0 || u > 1) continue;
      const qx = sy * e1z - sz * e1y, qy = sz * e1x - sx * e1z, qz = sx * e1y - sy * e1x;
      const v = (d[0] * qx + d[1] * qy + d[2] * qz) * invDet;
      if (v < 0 || u + v > 1) continue;
      const dist = (e2x * qx + e2y * qy + e2z * qz) * invDet;
      if (dist > 0 && dist < best) {
        best = dist;
        bestFace = f;
      }
    }
  }
  return bestFace < 0 ? undefined : { distance: best, face: bestFace };
}
