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

/** How far an arc's foot reaches beyond the arc's footprint, mm. */
export const ARC_FOOT_MARGIN_MM = 5;

/**
 * An arc lithophane stands already; its stand is a foot plate under it (the convex hull of its
 * footprint, grown by ARC_FOOT_MARGIN_MM) with the arc's lower edge sunk into it, so it sits
 * steady and cannot roll on its curve.
 */
export function addArcStand(arc: Mesh, wasm: ManifoldToplevel, options: Partial<StandOptions> = {}): Mesh {
  const opts = { ...STAND_DEFAULTS, ...options };
  const { Manifold } = wasm;
  const source = Manifold.ofMesh(new wasm.Mesh({ numProp: 3, vertProperties: arc.positions, triVerts: arc.indices }));
  const shadow = source.project();
  const hull = shadow.hull();
  const grown = hull.offset(ARC_FOOT_MARGIN_MM, 'Round');
  const foot = grown.extrude(opts.footHeightMm);
  const lifted = source.translate([0, 0, opts.footHeightMm - opts.embedMm - source.boundingBox().min[2]]);
  const joined = lifted.add(foot);
  try {
    const out = joined.getMesh();
    return { positions: Float32Array.from(out.vertProperties), indices: Uint32Array.from(out.triVerts) };
  } finally {
    for (const m of [source, shadow, hull, grown, foot, lifted, joined]) m.delete();
  }
}

export function plateHeight(mesh: Mesh): number {
  const b = boundingBox(mesh);
  return b.max[1] - b.min[1];
}
