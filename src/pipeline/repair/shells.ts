/**
 * Shells: faces connected through edges with exactly two faces (after splitNonManifold every
 * connected surface piece is one shell). Shell ids are numbered in order of first face.
 */
import type { EdgeTopology } from './edge-topology.ts';
import { twinHalf } from './edge-topology.ts';
import { UnionFind } from './union-find.ts';

export interface Shells {
  shellOfFace: Uint32Array;
  count: number;
}

export function findShells(faceCount: number, topology: EdgeTopology): Shells {
  const sets = new UnionFind(faceCount);
  for (let h = 0; h < faceCount * 3; h++) {
    const twin = twinHalf(topology, h);
    if (twin > h) sets.union((h / 3) | 0, (twin / 3) | 0);
  }
  const idOfRoot = new Int32Array(faceCount).fill(-1);
  const shellOfFace = new Uint32Array(faceCount);
  let count = 0;
  for (let f = 0; f < faceCount; f++) {
    const root = sets.find(f);
    if (idOfRoot[root] < 0) idOfRoot[root] = count++;
    shellOfFace[f] = idOfRoot[root];
  }
  return { shellOfFace, count };
}

/** Face lists per shell as CSR: faces of shell s are faces[start[s] .. start[s + 1]). */
export function facesByShell(shells: Shells): { start: Uint32Array; faces: Uint32Array } {
  const start = new Uint32Array(shells.count + 1);
  for (const s of shells.shellOfFace) start[s + 1]++;
  for (let s = 0; s < shells.count; s++) start[s + 1] += start[s];
  const fill = start.slice(0, shells.count);
  const faces = new Uint32Array(shells.shellOfFace.length);
  for (let f = 0; f < shells.shellOfFace.length; f++) faces[fill[shells.shellOfFace[f]]++] = f;
  return { start, faces };
}
