/**
 * The logo preview (extrude mode: plain, keychain, cookie cutter) built by the pipeline's geometry
 * rules (src/pipeline/extrude), so the preview and the printed part agree on size and piece count:
 *  - the outline of the ink is `widthMm` wide (not the picture): the logo is scaled to its own box;
 *  - a base plate is the outline grown by the plate margin with its holes filled, or, when that
 *    leaves separate pieces, the grown convex hull (one piece either way);
 *  - a keychain tab is the hull of a ring disc and a neck disc at the footprint's farthest point on
 *    the chosen side (nearest the centre line among ties), the hole beyond it, fused to the plate;
 *  - a cookie cutter is a wall grown outwards from the silhouette with a flange at its foot.
 * The margins, ring width and ring directions come from GET /api/v1/modes (`geometry`). Cells are the picture's
 * pixels; the pipeline traces sub-pixel outlines, so sizes agree to about a pixel (0.25% at 400 px).
 */
import { BufferGeometry, ExtrudeGeometry, Float32BufferAttribute, Path, Shape, Vector2 } from 'three';
import { tone } from '../picture.ts';
import type { Picture } from '../picture.ts';
import { circle, convexHull, countParts, dilate, edgeCorners, fillHoles, prism } from './raster.ts';
import type { Grid, Point } from './raster.ts';

export interface LogoParams {
  widthMm: number;
  invert: boolean;
  autoLevel: boolean;
  gamma: number;
  extrudeHeightMm: number;
  basePlateMm: number;
  threshold: number;
  keychain: boolean;
  keychainHoleMm: number;
  keychainPosition: 'top' | 'bottom' | 'left' | 'right' | 'top-left' | 'top-right';
  cookieCutter: boolean;
  cutterWallMm: number;
  cutterHeightMm: number;
  geometry: {
    basePlateMarginMm: number;
    keychainRingWidthMm: number;
    /** Unit direction of each ring position, y up. */
    keychainDirections: Record<string, Point>;
    cutterFlangeMm: number;
    cutterFlangeHeightMm: number;
  };
}

/** Subject mask: dark ink on light paper (or the alpha channel when the picture has one). */
function ink(picture: Picture, p: LogoParams): Uint8Array {
  const v = tone(picture, p);
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const s = picture.hasAlpha ? picture.alpha[i] - 0.5 : p.invert ? v[i] - p.threshold : p.threshold - v[i];
    out[i] = s > 0 ? 1 : 0;
  }
  return out;
}

export function logoGeometries(picture: Picture, p: LogoParams): { geometries: BufferGeometry[]; parts: number } {
  const src = ink(picture, p);
  let minI = Infinity,
    maxI = -1,
    minJ = Infinity,
    maxJ = -1;
  for (let j = 0; j < picture.height; j++)
    for (let i = 0; i < picture.width; i++)
      if (src[j * picture.width + i])
        (minI = Math.min(minI, i)), (maxI = Math.max(maxI, i)), (minJ = Math.min(minJ, j)), (maxJ = Math.max(maxJ, j));
  if (maxI < 0) return { geometries: [], parts: 0 };

  // The ink's own box is widthMm wide; pad the grid so plates, walls and flanges fit around it.
  const pitch = p.widthMm / (maxI - minI + 1);
  const g = p.geometry;
  const reachMm = p.cookieCutter ? p.cutterWallMm + g.cutterFlangeMm : g.basePlateMarginMm;
  const pad = Math.ceil(reachMm / pitch) + 2;
  const grid: Grid = { cols: maxI - minI + 1 + 2 * pad, rows: maxJ - minJ + 1 + 2 * pad };
  const mask = new Uint8Array(grid.cols * grid.rows);
  for (let j = minJ; j <= maxJ; j++)
    for (let i = minI; i <= maxI; i++) mask[(j - minJ + pad) * grid.cols + (i - minI + pad)] = src[j * picture.width + i];
  const x = (i: number) => (i - pad) * pitch;
  const y = (j: number) => (grid.rows - pad - j) * pitch;
  const solid = (cells: Uint8Array, z0: number, z1: number) => {
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new Float32BufferAttribute(prism(cells, grid, x, y, z0, z1), 3));
    geometry.computeVertexNormals();
    return geometry;
  };

  if (p.cookieCutter) {
    const silhouette = fillHoles(mask, grid);
    const wall = dilate(silhouette, grid, p.cutterWallMm / pitch);
    const flange = dilate(silhouette, grid, (p.cutterWallMm + g.cutterFlangeMm) / pitch);
    for (let k = 0; k < wall.length; k++) (wall[k] &&= silhouette[k] ? 0 : 1), (flange[k] &&= silhouette[k] ? 0 : 1);
    return { geometries: [solid(wall, 0, p.cutterHeightMm), solid(flange, 0, g.cutterFlangeHeightMm)], parts: countParts(flange, grid) };
  }

  const top = p.basePlateMm + p.extrudeHeightMm;
  const geometries = [solid(mask, Math.max(p.basePlateMm, 0), top)];
  let footprint: Point[] = edgeCorners(mask, grid, x, y);
  let parts = countParts(mask, grid);
  if (p.basePlateMm > 0) {
    const grown = fillHoles(dilate(mask, grid, g.basePlateMarginMm / pitch), grid);
    if (countParts(grown, grid) === 1) {
      geometries.push(solid(grown, 0, p.basePlateMm));
      footprint = edgeCorners(grown, grid, x, y);
    } else {
      // Separate pieces: the hull of the ink grown by the margin (hull ⊕ disc = hull of the grown corners).
      const hull = convexHull(footprint);
      footprint = convexHull(hull.flatMap(([hx, hy]) => circle(hx, hy, g.basePlateMarginMm, 32)));
      geometries.push(
        new ExtrudeGeometry(new Shape(footprint.map(([px, py]) => new Vector2(px, py))), { depth: p.basePlateMm, bevelEnabled: false }),
      );
    }
    parts = 1;
  }
  if (p.keychain) geometries.push(tabGeometry(footprint, p, p.basePlateMm > 0 ? p.basePlateMm : top));
  return { geometries, parts };
}

/** keychain.ts: the ring beyond the footprint's farthest point along the side, joined by a neck. */
function tabGeometry(footprint: Point[], p: LogoParams, depth: number): BufferGeometry {
  const d = p.geometry.keychainDirections[p.keychainPosition] ?? [0, 1];
  const ring = p.geometry.keychainRingWidthMm;
  const holeRadius = p.keychainHoleMm / 2;
  const xs = footprint.map((q) => q[0]),
    ys = footprint.map((q) => q[1]);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2,
    cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const along = (q: Point) => q[0] * d[0] + q[1] * d[1];
  const offset = (q: Point) => Math.abs((q[0] - cx) * d[1] - (q[1] - cy) * d[0]);
  const farthest = Math.max(...footprint.map(along));
  const tie = Math.min(0.05, ring / 4) + 1e-9;
  let anchor = footprint[0];
  for (const q of footprint) if (along(q) >= farthest - tie && (along(anchor) < farthest - tie || offset(q) < offset(anchor))) anchor = q;
  const reach = holeRadius + ring / 2;
  const centre: Point = [anchor[0] + d[0] * reach, anchor[1] + d[1] * reach];
  const neck: Point = [anchor[0] - (d[0] * ring) / 2, anchor[1] - (d[1] * ring) / 2];
  const outline = convexHull([...circle(centre[0], centre[1], holeRadius + ring, 48), ...circle(neck[0], neck[1], ring, 24)]);
  const shape = new Shape(outline.map(([px, py]) => new Vector2(px, py)));
  shape.holes.push(new Path().absarc(centre[0], centre[1], holeRadius, 0, Math.PI * 2, true));
  return new ExtrudeGeometry(shape, { depth, bevelEnabled: false, curveSegments: 32 });
}
