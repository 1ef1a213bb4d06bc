/**
 * Units and placement: scale to millimetres (a unit or a target longest side), optionally rotate
 * onto a flat base, then put the part on the bed (min z = 0) centred on x = y = 0.
 */
import type { Mesh } from '../mesh.ts';
import { boundingBox, boxSize, translateMesh } from '../mesh.ts';

export const MM_PER_UNIT = { mm: 1, cm: 10, m: 1000, in: 25.4 } as const;
export type LengthUnit = keyof typeof MM_PER_UNIT;

export function scaleMesh(mesh: Mesh, factor: number): Mesh {
  if (factor === 1) return mesh;
  const positions = new Float32Array(mesh.positions.length);
  for (let i = 0; i < positions.length; i++) positions[i] = mesh.positions[i] * factor;
  return { positions, indices: mesh.indices };
}

/** The factor that makes the longest bounding-box side `targetMm` long. */
export function scaleForLongestSide(mesh: Mesh, targetMm: number): number {
  const longest = Math.max(...boxSize(boundingBox(mesh)));
  return longest > 0 ? targetMm / longest : 1;
}

/** Scale that makes the height (z extent) `targetMm`. */
export function scaleForHeight(mesh: Mesh, targetMm: number): number {
  const height = boxSize(boundingBox(mesh))[2];
  return height > 0 ? targetMm / height : 1;
}

/** Y-up (glTF) to Z-up: (x, y, z) -> (x, -z, y), a proper rotation, so the winding stays outward. */
export function yUpToZUp(mesh: Mesh): Mesh {
  const p = mesh.positions;
  const positions = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    positions[i] = p[i];
    positions[i + 1] = -p[i + 2];
    positions[i + 2] = p[i + 1];
  }
  return { positions, indices: mesh.indices };
}

export function placeOnBed(mesh: Mesh): Mesh {
  const box = boundingBox(mesh);
  return translateMesh(mesh, -(box.min[0] + box.max[0]) / 2, -(box.min[1] + box.max[1]) / 2, -box.min[2]);
}

/** Whether the box fits the build volume, allowing a quarter turn about z. */
export function fitsBuildVolume(size: readonly number[], volume: readonly number[]): boolean {
  if (size[2] > volume[2]) return false;
  return (size[0] <= volume[0] && size[1] <= volume[1]) || (size[1] <= volume[0] && size[0] <= volume[1]);
}
