/**
 * A night-light box: four lithophane walls (the same picture on each), corner posts and a plain
 * lid, one solid, open at the bottom to stand over a tea light. It is built as it prints: the lid
 * on the bed and the walls upright (lithophanes print best standing, the layers across the picture),
 * the open side up; turned over, the pictures read upright from outside.
 *
 * Each wall is the flat lithophane (adaptive, error-bounded) rotated upright with its relief
 * outwards and its flat back on the inside of a square; square posts fill the corners, and the
 * lid overlaps the walls' lower edges. A manifold-3d union makes the parts one solid.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import { manifoldToMesh } from '../extrude/manifold-mesh.ts';
import { WasmScope } from '../extrude/wasm-scope.ts';
import type { Mesh } from '../mesh.ts';
import { boundingBox } from '../mesh.ts';

export interface NightLightOptions {
  /** The lid's thickness, mm. */
  lidMm: number;
  /** A corner post's side, mm: at least the walls' thickest part, so the corners close. */
  postMm: number;
}

const POST_OVERLAP_MM = 0.1;

export const NIGHT_LIGHT_DEFAULTS: NightLightOptions = { lidMm: 2, postMm: 4 };

export function nightLightBox(wall: Mesh, wasm: ManifoldToplevel, options: Partial<NightLightOptions> = {}): Mesh {
  const box = boundingBox(wall);
  const width = box.max[0] - box.min[0];
  const height = box.max[1] - box.min[1];
  const thickness = box.max[2] - box.min[2];
  const post = Math.max(options.postMm ?? NIGHT_LIGHT_DEFAULTS.postMm, thickness);
  const lid = options.lidMm ?? NIGHT_LIGHT_DEFAULTS.lidMm;
  const half = width / 2;
  const scope = new WasmScope();
  try {
    const source = scope.keep(wasm.Manifold.ofMesh(new wasm.Mesh({ numProp: 3, vertProperties: wall.positions, triVerts: wall.indices })));
    // Picture up = -z (printed upside down), relief (+z) outwards = -y, back on the plane y = -half.
    const centred = scope.keep(source.translate([-(box.min[0] + box.max[0]) / 2, -(box.min[1] + box.max[1]) / 2, -box.min[2]]));
    // Rotating by -90° about x takes (x, y, z) to (x, z, -y): relief up (+z) turns to +y, picture up (+y) to -z.
    // A half turn about z then faces the relief to -y and keeps the picture readable from outside.
    const upright = scope.keep(scope.keep(centred.rotate([-90, 0, 180])).translate([0, -half, height / 2]));
    const parts = [upright];
    for (const turn of [90, 180, 270]) parts.push(scope.keep(upright.rotate([0, 0, turn])));
    for (const [sx, sy] of [
      [1, 1],
      [1, -1],
      [-1, 1],
      [-1, -1],
    ]) {
      // Each post reaches POST_OVERLAP_MM into the walls' ends, so no two parts merely touch.
      const side = post + POST_OVERLAP_MM;
      const cube = scope.keep(wasm.Manifold.cube([side, side, height], false));
      parts.push(
        scope.keep(cube.translate([sx > 0 ? half - POST_OVERLAP_MM : -half - post, sy > 0 ? half - POST_OVERLAP_MM : -half - post, 0])),
      );
    }
    const outer = half + post;
    parts.push(scope.keep(scope.keep(wasm.Manifold.cube([2 * outer, 2 * outer, lid], false)).translate([-outer, -outer, 0])));
    const solid = scope.keep(wasm.Manifold.union(parts));
    return manifoldToMesh(solid);
  } finally {
    scope.dispose();
  }
}
