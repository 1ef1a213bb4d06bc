/**
 * A bounding-volume hierarchy over triangles for ray casts (thin-wall estimate). Median split on
 * the longest axis of the centroid box, leaves of up to 4 triangles, nodes in flat typed arrays,
 * boxes computed at the leaves and merged upwards (one pass over the corners, not one per level);
 * nearest-hit traversal with an explicit stack and Möller–Trumbore intersection.
 * Each inner node sends the half of its triangles that come first in "the order" to the left:
 * by centroid on the node's axis, ties by the centroid on its parent's axis, then the
 * grandparent's, ..., then face id. That is exactly what a stable sort per node produced (each
 * node's input was its parent's sorted order), so the tree, its leaves' order and therefore every
 * ray's hit (ties included) are unchanged; but the half is found by quickselect, O(n) per level,
 * where a typed-array sort with a JS comparator per node cost O(n log² n) calls: at 1M triangles
 * 4.4 s of CPU, most of the mesh job's "analyse" stage, against ~1.0 s now (November 2026).
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
  const p = mesh.positions,
    t = mesh.indices;
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
  const span = new Float64Array(6);
  // Split axis of the node being built at each depth (median splits: depth < 64).
  const axes = new Uint8Array(64);
  const build = (start: number, end: number, depth: number): number => {
    const node = bvh.nodes++;
    const b = bvh.bounds;
    // Centroid box, to pick the split axis (locals: no arrays allocated per node).
    let cx0 = Infinity,
      cy0 = Infinity,
      cz0 = Infinity,
      cx1 = -Infinity,
      cy1 = -Infinity,
      cz1 = -Infinity;
    for (let i = start; i < end; i++) {
      const f = bvh.order[i];
      const x = centroid[f * 3],
        y = centroid[f * 3 + 1],
        z = centroid[f * 3 + 2];
      if (x < cx0) cx0 = x;
      if (x > cx1) cx1 = x;
      if (y < cy0) cy0 = y;
      if (y > cy1) cy1 = y;
      if (z < cz0) cz0 = z;
      if (z > cz1) cz1 = z;
    }
    span[0] = cx0;
    span[1] = cy0;
    span[2] = cz0;
    span[3] = cx1;
    span[4] = cy1;
    span[5] = cz1;
    if (end - start <= LEAF_SIZE) {
      // A leaf keeps its parent's order (the root, when it is a leaf, keeps face order).
      if (depth > 0) insertionSort(bvh.order, centroid, axes, depth - 1, start, end);
      bvh.child[node] = -1 - start;
      bvh.other[node] = end - start;
      // Leaf box from its triangles' corners.
      for (let k = 0; k < 3; k++) {
        b[node * 6 + k] = Infinity;
        b[node * 6 + 3 + k] = -Infinity;
      }
      for (let i = start; i < end; i++) {
        const f = bvh.order[i];
        for (let c = 0; c < 3; c++) {
          const v = t[f * 3 + c] * 3;
          for (let k = 0; k < 3; k++) {
            if (p[v + k] < b[node * 6 + k]) b[node * 6 + k] = p[v + k];
            if (p[v + k] > b[node * 6 + 3 + k]) b[node * 6 + 3 + k] = p[v + k];
          }
        }
      }
      return node;
    }
    let axis = 0;
    for (let k = 1; k < 3; k++) if (span[3 + k] - span[k] > span[3 + axis] - span[axis]) axis = k;
    axes[depth] = axis;
    const mid = (start + end) >> 1;
    selectNth(bvh.order, centroid, axes, depth, start, end, mid);
    const left = build(start, mid, depth + 1),
      right = build(mid, end, depth + 1);
    bvh.child[node] = left;
    bvh.other[node] = right;
    // Inner box: the union of the children's (the same numbers as a pass over every corner).
    // (On equal values the left one is kept, as the corner pass did: it matters only for -0.)
    for (let k = 0; k < 3; k++) {
      const lo = b[left * 6 + k],
        hi = b[left * 6 + 3 + k];
      b[node * 6 + k] = Math.min(b[right * 6 + k], lo);
      b[node * 6 + 3 + k] = Math.max(b[right * 6 + 3 + k], hi);
    }
    return node;
  };
  if (faces > 0) build(0, faces, 0);
  return bvh;
}

/**
 * Whether face a comes before face c in the order of the node at `depth`: centroid on
 * axes[depth], then on axes[depth - 1], ..., axes[0], then face id (a total order).
 */
function before(centroid: Float64Array, axes: Uint8Array, depth: number, a: number, c: number): boolean {
  for (let d = depth; d >= 0; d--) {
    const ka = centroid[a * 3 + axes[d]],
      kc = centroid[c * 3 + axes[d]];
    if (ka < kc) return true;
    if (ka > kc) return false;
  }
  return a < c;
}

/**
 * Reorders order[start..end) so that order[nth] holds the face a full sort in the node's order
 * would put there, with the ones before it on its left and the rest on its right (Hoare
 * quickselect, median-of-three pivot; the order is total, so ties cannot make it quadratic).
 */
function selectNth(
  order: Uint32Array,
  centroid: Float64Array,
  axes: Uint8Array,
  depth: number,
  start: number,
  end: number,
  nth: number,
): void {
  const axis = axes[depth];
  const less = (a: number, c: number) => {
    const ka = centroid[a * 3 + axis],
      kc = centroid[c * 3 + axis];
    return ka < kc || (!(ka > kc) && before(centroid, axes, depth - 1, a, c));
  };
  let l = start,
    r = end - 1;
  while (r > l) {
    const m = (l + r) >> 1;
    if (less(order[m], order[l])) swap(order, m, l);
    if (less(order[r], order[l])) swap(order, r, l);
    if (less(order[r], order[m])) swap(order, r, m);
    const pivot = order[m];
    let i = l,
      j = r;
    while (i <= j) {
      while (less(order[i], pivot)) i++;
      while (less(pivot, order[j])) j--;
      if (i <= j) swap(order, i++, j--);
    }
    if (nth <= j) r = j;
    else if (nth >= i) l = i;
    else return;
  }
}

function insertionSort(order: Uint32Array, centroid: Float64Array, axes: Uint8Array, depth: number, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const f = order[i];
    let j = i;
    for (; j > start && before(centroid, axes, depth, f, order[j - 1]); j--) order[j] = order[j - 1];
    order[j] = f;
  }
}

function swap(a: Uint32Array, i: number, j: number): void {
  const x = a[i];
  a[i] = a[j];
  a[j] = x;
}

/**
 * Distance to the nearest triangle hit by the ray (origin o, unit direction d), with its face, or
 * undefined. Hits at or nearer than minDistance are passed through (coincident surfaces).
 */
export function castRay(
  bvh: TriangleBvh,
  o: readonly number[],
  d: readonly number[],
  skipFace = -1,
  minDistance = 0,
): { distance: number; face: number } | undefined {
  const p = bvh.mesh.positions,
    t = bvh.mesh.indices,
    b = bvh.bounds;
  let best = Infinity,
    bestFace = -1;
  const inv = [1 / d[0], 1 / d[1], 1 / d[2]];
  const stack: number[] = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    // Slab test against the node box.
    let tmin = 0,
      tmax = best;
    for (let k = 0; k < 3; k++) {
      let t0 = (b[node * 6 + k] - o[k]) * inv[k],
        t1 = (b[node * 6 + 3 + k] - o[k]) * inv[k];
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
      const a = t[f * 3] * 3,
        bb = t[f * 3 + 1] * 3,
        c = t[f * 3 + 2] * 3;
      const e1x = p[bb] - p[a],
        e1y = p[bb + 1] - p[a + 1],
        e1z = p[bb + 2] - p[a + 2];
      const e2x = p[c] - p[a],
        e2y = p[c + 1] - p[a + 1],
        e2z = p[c + 2] - p[a + 2];
      const px = d[1] * e2z - d[2] * e2y,
        py = d[2] * e2x - d[0] * e2z,
        pz = d[0] * e2y - d[1] * e2x;
      const det = e1x * px + e1y * py + e1z * pz;
      if (Math.abs(det) < 1e-18) continue;
      const invDet = 1 / det;
      const sx = o[0] - p[a],
        sy = o[1] - p[a + 1],
        sz = o[2] - p[a + 2];
      const u = (sx * px + sy * py + sz * pz) * invDet;
      if (u < 0 || u > 1) continue;
      const qx = sy * e1z - sz * e1y,
        qy = sz * e1x - sx * e1z,
        qz = sx * e1y - sy * e1x;
      const v = (d[0] * qx + d[1] * qy + d[2] * qz) * invDet;
      if (v < 0 || u + v > 1) continue;
      const dist = (e2x * qx + e2y * qy + e2z * qz) * invDet;
      if (dist > minDistance && dist < best) {
        best = dist;
        bestFace = f;
      }
    }
  }
  return bestFace < 0 ? undefined : { distance: best, face: bestFace };
}

/**
 * Calls visit(f, g) once for every pair of distinct triangles whose own boxes overlap (touching
 * counts), until visit returns false. A self-overlap traversal of the tree: a node against itself
 * descends into (left, left), (right, right) and (left, right); two different nodes whose boxes
 * overlap descend into the children of the larger one; two leaves compare their triangles' boxes.
 * Used by the self-intersection count; the stack holds node pairs in a plain array.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a visitor may return nothing (go on) or true (stop)
export function forEachOverlappingPair(bvh: TriangleBvh, visit: (f: number, g: number) => boolean | void): void {
  const faces = bvh.order.length;
  if (faces < 2) return;
  const p = bvh.mesh.positions,
    t = bvh.mesh.indices,
    b = bvh.bounds;
  // Each triangle's own box, in leaf order (slot i holds bvh.order[i]'s box).
  const box = new Float32Array(faces * 6);
  for (let i = 0; i < faces; i++) {
    const f = bvh.order[i];
    for (let k = 0; k < 3; k++) {
      const u = p[t[f * 3] * 3 + k],
        v = p[t[f * 3 + 1] * 3 + k],
        w = p[t[f * 3 + 2] * 3 + k];
      box[i * 6 + k] = Math.min(u, v, w);
      box[i * 6 + 3 + k] = Math.max(u, v, w);
    }
  }
  const slotsOverlap = (i: number, j: number) =>
    box[i * 6] <= box[j * 6 + 3] &&
    box[j * 6] <= box[i * 6 + 3] &&
    box[i * 6 + 1] <= box[j * 6 + 4] &&
    box[j * 6 + 1] <= box[i * 6 + 4] &&
    box[i * 6 + 2] <= box[j * 6 + 5] &&
    box[j * 6 + 2] <= box[i * 6 + 5];
  const nodesOverlap = (m: number, n: number) =>
    b[m * 6] <= b[n * 6 + 3] &&
    b[n * 6] <= b[m * 6 + 3] &&
    b[m * 6 + 1] <= b[n * 6 + 4] &&
    b[n * 6 + 1] <= b[m * 6 + 4] &&
    b[m * 6 + 2] <= b[n * 6 + 5] &&
    b[n * 6 + 2] <= b[m * 6 + 5];
  const extent = (n: number) => b[n * 6 + 3] - b[n * 6] + b[n * 6 + 4] - b[n * 6 + 1] + b[n * 6 + 5] - b[n * 6 + 2];
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const n = stack.pop()!,
      m = stack.pop()!;
    const cm = bvh.child[m],
      cn = bvh.child[n];
    if (m === n) {
      if (cm >= 0) {
        stack.push(cm, cm, bvh.other[m], bvh.other[m], cm, bvh.other[m]);
        continue;
      }
      const first = -1 - cm,
        end = first + bvh.other[m];
      for (let i = first; i < end; i++) {
        for (let j = i + 1; j < end; j++) if (slotsOverlap(i, j) && visit(bvh.order[i], bvh.order[j]) === false) return;
      }
      continue;
    }
    if (!nodesOverlap(m, n)) continue;
    if (cm < 0 && cn < 0) {
      const fm = -1 - cm,
        em = fm + bvh.other[m],
        fn = -1 - cn,
        en = fn + bvh.other[n];
      for (let i = fm; i < em; i++) {
        for (let j = fn; j < en; j++) if (slotsOverlap(i, j) && visit(bvh.order[i], bvh.order[j]) === false) return;
      }
      continue;
    }
    // Descend the inner node, or the larger of two inner nodes.
    if (cn < 0 || (cm >= 0 && extent(m) >= extent(n))) stack.push(cm, n, bvh.other[m], n);
    else stack.push(m, cn, m, bvh.other[n]);
  }
}
