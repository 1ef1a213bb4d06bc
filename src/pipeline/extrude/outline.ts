/**
 * Cross-section helpers shared by the base plate, the keychain tab and the cookie cutter.
 */
import type { CrossSection, ManifoldToplevel, SimplePolygon } from 'manifold-3d';
import { signedArea } from './ring.ts';
import type { WasmScope } from './wasm-scope.ts';

/**
 * The outer outline only: holes filled in. Clipper2 returns outer contours counter-clockwise and
 * holes clockwise, so the holes are the rings with negative area.
 */
export function fillHoles(section: CrossSection, wasm: ManifoldToplevel, scope: WasmScope): CrossSection {
  const outers: SimplePolygon[] = section.toPolygons().filter((ring) => signedArea(ring) > 0);
  return scope.keep(new wasm.CrossSection(outers, 'Positive'));
}
