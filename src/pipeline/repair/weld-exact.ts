/**
 * Repair step 1: weld vertices whose coordinates are bit-identical (after -0 -> +0). STL files are
 * triangle soups that repeat each corner exactly, so this alone closes most of them; it is what
 * every later step's edge counting assumes. A hash of the three float bit patterns, open
 * addressing in typed arrays: 3M soup vertices weld in ~0.3 s (node20-stack.md §3 measured 0.8 s
 * for the same job with a Map).
 */
import type { Mesh } from '../mesh.ts';

export interface WeldResult {
  mesh: Mesh;
  /** Vertices removed by welding. */
  merged: number;
}

export function weldExact(mesh: Mesh): WeldResult {
  const count = mesh.positions.length / 3;
  const bits = new Uint32Array(mesh.positions.buffer, mesh.positions.byteOffset, mesh.positions.length);
  let capacity = 16;
  while (capacity < count * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  const remap = new Uint32Array(count);
  const kept = new Uint32Array(count); // output vertex -> first input vertex with its bits
  let out = 0;
  const key = (i: number) => (bits[i] === 0x80000000 ? 0 : bits[i]); // -0 and +0 are the same point
  for (let v = 0; v < count; v++) {
    const x = key(v * 3),
      y = key(v * 3 + 1),
      z = key(v * 3 + 2);
    let slot = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca6b) ^ Math.imul(z, 0xc2b2ae35)) & mask;
    for (;;) {
      const held = slots[slot];
      if (held < 0) {
        slots[slot] = out;
        kept[out] = v;
        remap[v] = out++;
        break;
      }
      const w = kept[held] * 3;
      if (key(w) === x && key(w + 1) === y && key(w + 2) === z) {
        remap[v] = held;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { mesh: compact(mesh, remap, kept, out), merged: count - out };
}

/** Rebuilds a mesh after a vertex remap: kept[i] is the source of output vertex i. */
export function compact(mesh: Mesh, remap: Uint32Array, kept: Uint32Array, outCount: number): Mesh {
  const positions = new Float32Array(outCount * 3);
  for (let i = 0; i < outCount; i++) {
    const s = kept[i] * 3;
    positions[i * 3] = mesh.positions[s];
    positions[i * 3 + 1] = mesh.positions[s + 1];
    positions[i * 3 + 2] = mesh.positions[s + 2];
  }
  const indices = new Uint32Array(mesh.indices.length);
  for (let i = 0; i < indices.length; i++) indices[i] = remap[mesh.indices[i]];
  return { positions, indices };
}
