/**
 * Makes a dome or a globe printable: the rim a surface-mapped lithophane ends in is a wall along
 * the sphere's radius, which meets the bed at an angle (a dome stands on its inner edge, a globe on
 * its outer one), so everything under `cutZ` is cut off, leaving a flat ring on the bed. A globe's
 * pole, where a picture row would shrink to a point, is closed by a plain spherical cap revolved
 * from a profile that lies inside the picture band's wall where they overlap, so the union meets
 * no coincident faces. The cap's facets follow the same error bound as the picture.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import { manifoldToMesh } from '../extrude/manifold-mesh.ts';
import { WasmScope } from '../extrude/wasm-scope.ts';
import type { Mesh } from '../mesh.ts';
import type { CurvedFinish } from './lithophane.ts';

export function finishCurved(mesh: Mesh, wasm: ManifoldToplevel, finish: CurvedFinish, maxErrorMm: number): Mesh {
  const scope = new WasmScope();
  try {
    let solid = scope.keep(wasm.Manifold.ofMesh(new wasm.Mesh({ numProp: 3, vertProperties: mesh.positions, triVerts: mesh.indices })));
    if (finish.cap) {
      const { innerRadius, outerRadius, fromLatitude } = finish.cap;
      const steps = segmentsFor(outerRadius, maxErrorMm);
      const profile: Array<[number, number]> = [];
      const arc = Math.PI / 2 - fromLatitude;
      const n = Math.max(2, Math.ceil((arc / (2 * Math.PI)) * steps));
      for (let i = 0; i <= n; i++) {
        const lat = fromLatitude + (arc * i) / n;
        profile.push([outerRadius * Math.cos(lat), outerRadius * Math.sin(lat)]);
      }
      for (let i = n; i >= 0; i--) {
        const lat = fromLatitude + (arc * i) / n;
        profile.push([innerRadius * Math.cos(lat), innerRadius * Math.sin(lat)]);
      }
      const cap = scope.keep(wasm.Manifold.revolve([profile], steps));
      solid = scope.keep(solid.add(cap));
    }
    const cut = scope.keep(solid.trimByPlane([0, 0, 1], finish.cutZ));
    const { min } = cut.boundingBox();
    return manifoldToMesh(scope.keep(cut.translate([0, 0, -min[2]])));
  } finally {
    scope.dispose();
  }
}

/** Segments round a full circle so a chord strays at most `maxErrorMm` from it: r(1 - cos(π/n)) ≤ e. */
function segmentsFor(radius: number, maxErrorMm: number): number {
  const half = Math.acos(Math.max(-1, 1 - maxErrorMm / radius));
  return Math.min(720, Math.max(24, Math.ceil(Math.PI / half)));
}
