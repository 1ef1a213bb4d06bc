/**
 * Repair step 5: make winding consistent within each shell. Breadth-first over two-face edges:
 * a neighbour that runs the shared edge in the same direction as the current face is flipped.
 * Per shell the majority orientation wins (the seed face may be the odd one out), so "flipped"
 * counts the faces that really disagreed. Which side is outside is decided later, after holes
 * are filled, by signed volume (orient-outward.ts).
 * Non-orientable shells (a Möbius strip) keep a conflict; the edge count in validation reports it.
 */
import type { Mesh } from '../mesh.ts';
import { buildEdgeTopology, nextHalf, twinHalf } from './edge-topology.ts';
import { facesByShell, findShells } from './shells.ts';

export interface OrientResult {
  mesh: Mesh;
  flippedFaces: number;
  shells: number;
  /** Per face, 1 when it was flipped (all zero when nothing was). */
  flip: Uint8Array;
}

/** `topology`, when given, must be the edge topology of mesh.indices. */
export function orientConsistently(mesh: Mesh, topology = buildEdgeTopology(mesh.indices)): OrientResult {
  const t = mesh.indices;
  const faceCount = t.length / 3;
  const shells = findShells(faceCount, topology);
  const { start, faces } = facesByShell(shells);
  const flip = new Uint8Array(faceCount);
  const seen = new Uint8Array(faceCount);
  const queue = new Uint32Array(faceCount);
  let flippedFaces = 0;
  for (let s = 0; s < shells.count; s++) {
    const seed = faces[start[s]];
    let head = 0,
      tail = 0;
    queue[tail++] = seed;
    seen[seed] = 1;
    let flippedHere = 0;
    while (head < tail) {
      const f = queue[head++];
      for (let k = 0; k < 3; k++) {
        const h = f * 3 + k;
        const twin = twinHalf(topology, h);
        if (twin < 0) continue;
        const g = (twin / 3) | 0;
        if (seen[g]) continue;
        seen[g] = 1;
        // Same direction along the shared edge means opposite orientation, before our flips.
        const sameDirection = t[twin] === t[h] && t[nextHalf(twin)] === t[nextHalf(h)];
        flip[g] = sameDirection ? flip[f] ^ 1 : flip[f];
        if (flip[g]) flippedHere++;
        queue[tail++] = g;
      }
    }
    if (flippedHere * 2 > tail) {
      for (let i = start[s]; i < start[s + 1]; i++) flip[faces[i]] ^= 1;
      flippedHere = tail - flippedHere;
    }
    flippedFaces += flippedHere;
  }
  if (flippedFaces === 0) return { mesh, flippedFaces, shells: shells.count, flip };
  return { mesh: { positions: mesh.positions, indices: flipFaces(t, flip) }, flippedFaces, shells: shells.count, flip };
}

export function flipFaces(t: Uint32Array, flip: Uint8Array): Uint32Array {
  const out = t.slice();
  for (let f = 0; f < flip.length; f++) {
    if (!flip[f]) continue;
    out[f * 3 + 1] = t[f * 3 + 2];
    out[f * 3 + 2] = t[f * 3 + 1];
  }
  return out;
}
