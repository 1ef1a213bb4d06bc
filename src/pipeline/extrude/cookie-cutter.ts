/**
 * Cookie cutter: a thin wall standing on the outer outline of the logo (holes ignored — a cutter
 * cuts the silhouette), plus a flange at the bottom to stiffen it and push on. The wall grows
 * outwards from the outline so the cookie keeps the logo's size; the inside stays open.
 */
import type { CrossSection, Manifold, ManifoldToplevel } from 'manifold-3d';
import { IMAGE_FIELDS } from '../catalog/image-fields.ts';
import { fillHoles } from './outline.ts';
import type { WasmScope } from './wasm-scope.ts';

export interface CookieCutterOptions {
  /** Blade thickness, mm. */
  wallMm: number;
  /** Total height of the cutter, mm (replaces the logo's `heightMm`). */
  heightMm: number;
  /** How far the flange reaches beyond the wall, mm (0 = no flange). */
  flangeMm: number;
  flangeHeightMm: number;
}

export const COOKIE_CUTTER_DEFAULTS: CookieCutterOptions = {
  wallMm: IMAGE_FIELDS.cutterWallMm.default,
  heightMm: IMAGE_FIELDS.cutterHeightMm.default,
  flangeMm: 3,
  flangeHeightMm: 1.2,
};

export function cookieCutterSolid(logo: CrossSection, options: CookieCutterOptions, wasm: ManifoldToplevel, scope: WasmScope): Manifold {
  const silhouette = fillHoles(logo, wasm, scope);
  const wallOuter = scope.keep(silhouette.offset(options.wallMm, 'Round'));
  const wall = scope.keep(wallOuter.subtract(silhouette));
  const blade = scope.keep(wall.extrude(options.heightMm));
  if (options.flangeMm <= 0 || options.flangeHeightMm <= 0) return blade;
  const flangeOuter = scope.keep(silhouette.offset(options.wallMm + options.flangeMm, 'Round'));
  const flange = scope.keep(flangeOuter.subtract(silhouette));
  const lip = scope.keep(flange.extrude(Math.min(options.flangeHeightMm, options.heightMm)));
  return scope.keep(blade.add(lip));
}
