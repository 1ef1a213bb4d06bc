/**
 * Repair step 3: drop faces that enclose nothing.
 * - degenerate: two corners are the same vertex (welding makes these from slivers);
 * - duplicate: the same three vertices again with the same winding (keeps the first);
 * - back-to-back pairs: the same three vertices wound both ways, a zero-thickness fin; both go.
 * Zero-area faces with three distinct vertices are kept: removing them would open a T-junction,
 * and manifold-3d collapses them itself in validation.
 * Faces are keyed by their sorted vertex triple in an open-addressing hash (linear time).
 */
import type { Mesh } from '../mesh.ts';

export interface RemoveDegenerateResult {
  mesh: Mesh;
  degenerate: number;
  duplicate: number;
  backToBack: number;
}

export function removeDegenerateFaces(mesh: Mesh): RemoveDegenerateResult {
  const t = mesh.indices;
  const faces = t.length / 3;
  const drop = new Uint8Array(faces);
  let degenerate = 0,
    duplicate = 0,
    backToBack = 0;
  let capacity = 16;
  while (capacity < faces * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  const sorted = new Uint32Array(faces * 3);
  for (let f = 0; f < faces; f++) {
    let a = t[f * 3],
      b = t[f * 3 + 1],
      c = t[f * 3 + 2];
    if (a === b || b === c || a === c) {
      drop[f] = 1;
      degenerate++;
      continue;
    }
    if (a > b) [a, b] = [b, a];
    if (b > c) [b, c] = [c, b];
    if (a > b) [a, b] = [b, a];
    sorted[f * 3] = a;
    sorted[f * 3 + 1] = b;
    sorted[f * 3 + 2] = c;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35)) & mask;
    for (;;) {
      const held = slots[slot];
      if (held < 0) {
        slots[slot] = f;
        break;
      }
      if (sorted[held * 3] === a && sorted[held * 3 + 1] === b && sorted[held * 3 + 2] === c) {
        if (drop[held]) {
          // The first of the triple was already removed as half of a fin; this copy replaces it.
          slots[slot] = f;
          drop[held] = 2; // still dropped; mark so a third copy does not resurrect it twice
          break;
        }
        if (sameWinding(t, held, f)) {
          drop[f] = 1;
          duplicate++;
        } else {
          drop[f] = 1;
          drop[held] = 1;
          backToBack += 2;
        }
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  if (degenerate + duplicate + backToBack === 0) return { mesh, degenerate, duplicate, backToBack };
  const kept = faces - degenerate - duplicate - backToBack;
  const indices = new Uint32Array(kept * 3);
  let o = 0;
  for (let f = 0; f < faces; f++) {
    if (drop[f]) continue;
    indices[o++] = t[f * 3];
    indices[o++] = t[f * 3 + 1];
    indices[o++] = t[f * 3 + 2];
  }
  return { mesh: { positions: mesh.positions, indices }, degenerate, duplicate, backToBack };
}

/** True when face g is a rotation of face f (same cyclic order). */
function sameWinding(t: Uint32Array, f: number, g: number): boolean {
  const a = t[f * 3],
    b = t[f * 3 + 1];
  for (let k = 0; k < 3; k++) if (t[g * 3 + k] === a) return t[g * 3 + ((k + 1) % 3)] === b;
  return false;
}
