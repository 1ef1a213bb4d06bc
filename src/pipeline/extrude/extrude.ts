/**
 * Extrude mode: a logo or text picture becomes a solid — a raised logo (optionally on a base plate,
 * optionally a keychain), or a cookie cutter.
 *
 *   mask + marching squares (contours.ts) -> mm, Douglas–Peucker, drop specks (simplify.ts)
 *   -> manifold-3d CrossSection ('Positive' fill: outer rings CCW, holes CW, so an "O" keeps its hole)
 *   -> plate / tab / cutter as 2D booleans and offsets -> extrude -> 3D union -> Mesh on the bed.
 *
 * Working in 2D as long as possible keeps the 3D booleans to one union at most: the plate and the
 * keychain tab share a thickness, and a through-hole is a 2D subtraction.
 */
import type { CrossSection, Manifold, ManifoldToplevel } from 'manifold-3d';
import { PipelineError } from '../errors.ts';
import type { Heightmap } from '../heightmap.ts';
import type { Mesh } from '../mesh.ts';
import { traceContours } from './contours.ts';
import { cookieCutterSolid } from './cookie-cutter.ts';
import { keychainTab } from './keychain.ts';
import { manifoldToMesh } from './manifold-mesh.ts';
import { resolveExtrudeOptions } from './options.ts';
import type { ExtrudeOptions, ResolvedExtrudeOptions } from './options.ts';
import { fillHoles } from './outline.ts';
import { ringsBounds, scaleRings, signedArea } from './ring.ts';
import { simplifyRings } from './simplify.ts';
import { WasmScope } from './wasm-scope.ts';

export { EXTRUDE_DEFAULTS } from './options.ts';
export type { ExtrudeOptions } from './options.ts';
export { KEYCHAIN_DEFAULTS } from './keychain.ts';
export type { KeychainOptions, KeychainPosition } from './keychain.ts';
export { COOKIE_CUTTER_DEFAULTS } from './cookie-cutter.ts';
export type { CookieCutterOptions } from './cookie-cutter.ts';

const STAGE = 'extrude';

export function extrudeLogo(map: Heightmap, wasm: ManifoldToplevel, options: Partial<ExtrudeOptions> = {}): Mesh {
  const o = resolveExtrudeOptions(options);
  const rings = traceContours(map, o);
  if (rings.length === 0) throw nothingToExtrude(o, 'no pixel passes the threshold');

  // Scale so the traced outline is widthMm wide, then simplify in millimetres.
  const pixels = ringsBounds(rings);
  const scale = o.widthMm / (pixels.maxX - pixels.minX);
  const mmRings = simplifyRings(scaleRings(rings, scale, -pixels.minX, -pixels.minY), {
    tolerance: o.simplifyToleranceMm,
    minArea: o.minFeatureAreaMm2,
  });
  if (!mmRings.some((ring) => signedArea(ring) > 0)) throw nothingToExtrude(o, 'every shape is smaller than minFeatureAreaMm2');

  const scope = new WasmScope();
  try {
    const traced = scope.keep(new wasm.CrossSection(mmRings, 'Positive'));
    if (traced.isEmpty()) throw nothingToExtrude(o, 'the outline encloses no area');
    const logo = fitToWidth(traced, o.widthMm, scope);
    const solid = o.cookieCutter ? cookieCutterSolid(logo, o.cookieCutter, wasm, scope) : raisedLogo(logo, o, wasm, scope);
    return onTheBed(solid, scope);
  } finally {
    scope.dispose();
  }
}

/** Dropped specks may have set the traced width: rescale so the outline is exactly widthMm wide at x = 0. */
function fitToWidth(section: CrossSection, widthMm: number, scope: WasmScope): CrossSection {
  const { min, max } = section.bounds();
  const moved = scope.keep(section.translate([-min[0], -min[1]]));
  return scope.keep(moved.scale(widthMm / (max[0] - min[0])));
}

function raisedLogo(logo: CrossSection, o: ResolvedExtrudeOptions, wasm: ManifoldToplevel, scope: WasmScope): Manifold {
  const top = o.basePlateMm + o.heightMm;
  if (o.basePlateMm <= 0) return scope.keep(withKeychain(logo, o, wasm, scope).extrude(top));

  const plate = withKeychain(basePlate(logo, o, wasm, scope), o, wasm, scope);
  // The logo stands on the bed through the plate rather than on the plate's top face, so the union
  // meets along coplanar bottoms instead of a coplanar seam halfway up.
  const plateSolid = scope.keep(plate.extrude(o.basePlateMm));
  const logoSolid = scope.keep(logo.extrude(top));
  return scope.keep(plateSolid.add(logoSolid));
}

function basePlate(logo: CrossSection, o: ResolvedExtrudeOptions, wasm: ManifoldToplevel, scope: WasmScope): CrossSection {
  const margin = o.basePlateMarginMm;
  if (o.basePlateShape === 'rectangle') {
    const { min, max } = logo.bounds();
    const size: [number, number] = [max[0] - min[0] + 2 * margin, max[1] - min[1] + 2 * margin];
    const square = scope.keep(wasm.CrossSection.square(size));
    return scope.keep(square.translate([min[0] - margin, min[1] - margin]));
  }
  const grown = margin > 0 ? scope.keep(logo.offset(margin, 'Round')) : logo;
  const filled = fillHoles(grown, wasm, scope);
  // Letters far apart would leave separate plates (and a keychain tab on only one of them): a plate
  // must make the logo one piece, so fall back to the outline's convex hull.
  const pieces = filled.decompose();
  const separate = pieces.length > 1;
  for (const piece of pieces) piece.delete();
  if (!separate) return filled;
  const hull = scope.keep(logo.hull());
  return margin > 0 ? scope.keep(hull.offset(margin, 'Round')) : hull;
}

/** The footprint with a keychain tab added and its hole punched, or unchanged without a keychain. */
function withKeychain(footprint: CrossSection, o: ResolvedExtrudeOptions, wasm: ManifoldToplevel, scope: WasmScope): CrossSection {
  if (!o.keychain) return footprint;
  const { tab, hole } = keychainTab(footprint, o.keychain, wasm, scope);
  const joined = scope.keep(footprint.add(tab));
  return scope.keep(joined.subtract(hole));
}

function onTheBed(solid: Manifold, scope: WasmScope): Mesh {
  const status = solid.status();
  if (status !== 'NoError') {
    throw new PipelineError('not_manifold', `extrude: manifold-3d reports ${status}`, STAGE, { status });
  }
  if (solid.isEmpty()) throw new PipelineError('geometry_failed', 'extrude: the solid came out empty', STAGE);
  const { min } = solid.boundingBox();
  const placed = scope.keep(solid.translate([-min[0], -min[1], -min[2]]));
  return manifoldToMesh(placed);
}

function nothingToExtrude(o: ResolvedExtrudeOptions, why: string): PipelineError {
  return new PipelineError('nothing_to_extrude', `extrude: nothing to extrude — ${why}`, STAGE, {
    threshold: o.threshold,
    invert: o.invert,
    minFeatureAreaMm2: o.minFeatureAreaMm2,
  });
}
