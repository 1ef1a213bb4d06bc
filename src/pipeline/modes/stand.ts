/**
 * Stands a flat lithophane upright in a foot so it can sit on a shelf in front of a light.
 * The plate is rotated into the XZ plane (picture upright, relief facing -y) and its bottom edge
 * is sunk into a block; a manifold-3d union makes the two one solid.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import type { Mesh } from '../mesh.ts';
import { boundingBox } from '../mesh.ts';

export interface StandOptions {
  footHeightMm: number;
  footDepthMm: number;
  /** How far the plate sinks into the foot. */
  embedMm: number;
}

export const STAND_DEFAULTS: StandOptions = { footHeightMm: 6, footDepthMm: 20, embedMm: 3 };

export function addStand(plate: Mesh, wasm: ManifoldToplevel, options: Partial<StandOptions> = {}): Mesh {
  const opts = { ...STAND_DEFAULTS, ...options };
  const { Manifold } = wasm;
  const source = Manifold.ofMesh(new wasm.Mesh({ numProp: 3, vertProperties: plate.positions, triVerts: plate.indices }));
  const upright = source.rotate([90, 0, 0]);
  const box = upright.boundingBox();
  const lifted = upright.translate([0, -(box.min[1] + box.max[1]) / 2, opts.footHeightMm - opts.embedMm - box.min[2]]);
  const width = box.max[0] - box.min[0] + 10;
  const foot = Manifold.cube([width, opts.footDepthMm, opts.footHeightMm], false).translate([
    -width / 2 + (box.min[0] + box.max[0]) / 2,
    -opts.footDepthMm / 2,
    0,
  ]);
  const joined = lifted.add(foot);
  try {
    const out = joined.getMesh();
    return { positions: Float32Array.from(out.vertProperties), indices: Uint32Array.from(out.triVerts) };
  } finally {
    for (const m of [source, upright, lifted, foot, joined]) m.delete();
  }
}

export function plateHeight(mesh: Mesh): number {
  const b = boundingBox(mesh);
  return b.max[1] - b.min[1];
}
