/**
 * The keychain tab: a ring outside the outline on the chosen side, and the hole through it.
 *
 * Method. Let d be the unit direction of the side ('top' = +y, 'top-left' = (-1, 1)/√2, ...). The
 * anchor is the footprint point farthest along d (among near-ties, the one closest to the centre
 * line, so a 'top' tab sits over the middle of a flat top). The hole centre goes beyond the anchor
 * by holeRadius + ringWidth/2: every footprint point has d·p ≤ d·anchor, and every hole point has
 * d·q ≥ d·anchor + ringWidth/2, so the hole can never cut into the logo. The tab is the convex hull
 * of the ring disc and a small disc around the anchor (a neck, so a pointed top still gets a solid
 * join rather than a tangent touch). Caller unions the tab and subtracts the hole afterwards.
 */
import type { CrossSection, ManifoldToplevel, SimplePolygon } from 'manifold-3d';
import { IMAGE_FIELDS } from '../catalog/image-fields.ts';
import { PipelineError } from '../errors.ts';
import type { WasmScope } from './wasm-scope.ts';

export type KeychainPosition = 'top' | 'bottom' | 'left' | 'right' | 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

export interface KeychainOptions {
  /** Diameter of the hole for the split ring, mm. */
  holeDiameterMm: number;
  /** Material around the hole, mm. */
  ringWidthMm: number;
  /** Side of the outline the tab sticks out of. */
  position: KeychainPosition;
}

export const KEYCHAIN_DEFAULTS: KeychainOptions = {
  holeDiameterMm: IMAGE_FIELDS.keychainHoleMm.default,
  ringWidthMm: 2,
  position: IMAGE_FIELDS.keychainPosition.default,
};

/** Unit direction of each position, y up (served in GET /api/v1/modes for the preview). */
export const KEYCHAIN_DIRECTIONS: Record<KeychainPosition, [number, number]> = {
  top: [0, 1],
  bottom: [0, -1],
  left: [-1, 0],
  right: [1, 0],
  'top-left': [-Math.SQRT1_2, Math.SQRT1_2],
  'top-right': [Math.SQRT1_2, Math.SQRT1_2],
  'bottom-left': [-Math.SQRT1_2, -Math.SQRT1_2],
  'bottom-right': [Math.SQRT1_2, -Math.SQRT1_2],
};

const HOLE_SEGMENTS = 48;

export function keychainTab(
  footprint: CrossSection,
  options: KeychainOptions,
  wasm: ManifoldToplevel,
  scope: WasmScope,
): { tab: CrossSection; hole: CrossSection } {
  const d = KEYCHAIN_DIRECTIONS[options.position];
  if (!d) {
    throw new PipelineError('invalid_parameters', `extrude: unknown keychain position "${options.position}"`, 'extrude');
  }
  const holeRadius = options.holeDiameterMm / 2;
  const ring = options.ringWidthMm;
  const anchor = farthestPoint(footprint.toPolygons(), footprint, d, Math.min(0.05, ring / 4));
  const reach = holeRadius + ring / 2;
  const centre: [number, number] = [anchor[0] + d[0] * reach, anchor[1] + d[1] * reach];
  const neckCentre: [number, number] = [anchor[0] - (d[0] * ring) / 2, anchor[1] - (d[1] * ring) / 2];

  const disc = scope.keep(scope.keep(wasm.CrossSection.circle(holeRadius + ring, HOLE_SEGMENTS)).translate(centre));
  const neck = scope.keep(scope.keep(wasm.CrossSection.circle(ring, 24)).translate(neckCentre));
  const tab = scope.keep(wasm.CrossSection.hull([disc, neck]));
  const hole = scope.keep(scope.keep(wasm.CrossSection.circle(holeRadius, HOLE_SEGMENTS)).translate(centre));
  return { tab, hole };
}

/**
 * The footprint point farthest along d; among points within `tieTolerance` of the farthest, the one
 * nearest the centre line (through the bounding-box centre, along d). Edges count, not just vertices,
 * so a flat top gets its tab in the middle rather than over a corner.
 */
function farthestPoint(polygons: SimplePolygon[], footprint: CrossSection, d: [number, number], tieTolerance: number): [number, number] {
  const bounds = footprint.bounds();
  const cx = (bounds.min[0] + bounds.max[0]) / 2;
  const cy = (bounds.min[1] + bounds.max[1]) / 2;
  const along = (x: number, y: number) => x * d[0] + y * d[1];
  const offset = (x: number, y: number) => (x - cx) * d[1] - (y - cy) * d[0];
  let maxAlong = -Infinity;
  for (const ring of polygons) for (const [x, y] of ring) maxAlong = Math.max(maxAlong, along(x, y));
  const floor = maxAlong - tieTolerance;

  let best: [number, number] = [cx, cy];
  let bestOffset = Infinity;
  const consider = (x: number, y: number) => {
    const o = Math.abs(offset(x, y));
    if (o < bestOffset) {
      bestOffset = o;
      best = [x, y];
    }
  };
  for (const ring of polygons) {
    for (let i = 0; i < ring.length; i++) {
      let [ax, ay] = ring[i];
      let [bx, by] = ring[(i + 1) % ring.length];
      const ta = along(ax, ay),
        tb = along(bx, by);
      if (ta < floor && tb < floor) continue;
      // Clip the edge to the part within the tie band.
      if (ta < floor) {
        const s = (floor - ta) / (tb - ta);
        [ax, ay] = [ax + (bx - ax) * s, ay + (by - ay) * s];
      } else if (tb < floor) {
        const s = (floor - tb) / (ta - tb);
        [bx, by] = [bx + (ax - bx) * s, by + (ay - by) * s];
      }
      const oa = offset(ax, ay),
        ob = offset(bx, by);
      if (oa * ob < 0) {
        const s = oa / (oa - ob); // where the edge crosses the centre line
        consider(ax + (bx - ax) * s, ay + (by - ay) * s);
      } else {
        consider(ax, ay);
        consider(bx, by);
      }
    }
  }
  return best;
}
