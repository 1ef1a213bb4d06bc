/**
 * Relief: brightness -> height on top of a flat base. Bright is high unless inverted.
 * A constant picture gives a box; the surface is the adaptive triangulation, the base a fan.
 */
import { IMAGE_FIELDS } from '../catalog/image-fields.ts';
import type { Heightmap } from '../heightmap.ts';
import type { Mesh } from '../mesh.ts';
import { smoothForSlicer } from '../heightmap-ops/slicer-friendly.ts';
import type { SlicerSmoothingReport } from '../heightmap-ops/slicer-friendly.ts';
import { buildSurfaceSolid } from '../solidify/surface-solid.ts';
import type { Triangulator } from '../triangulate/triangulator.ts';

export interface ReliefOptions {
  /** Height of the surface above the base for the darkest picture value. */
  minHeightMm: number;
  /** ... and for the brightest. */
  maxHeightMm: number;
  /** Solid base under the lowest point. */
  baseMm: number;
  invert: boolean;
  maxErrorMm: number;
  maxTriangles: number;
  /** Islands and holes under (2 x nozzleMm)² are levelled in every layer (0 = off); see slicer-friendly.ts. */
  nozzleMm: number;
}

// The job parameters' declared defaults (catalog/image-fields.ts), so a stage run alone agrees with a job.
export const RELIEF_DEFAULTS: ReliefOptions = {
  minHeightMm: IMAGE_FIELDS.minHeightMm.default,
  maxHeightMm: IMAGE_FIELDS.maxHeightMm.default,
  baseMm: IMAGE_FIELDS.baseMm.default,
  invert: IMAGE_FIELDS.invert.default,
  maxErrorMm: IMAGE_FIELDS.maxErrorMm.default,
  maxTriangles: IMAGE_FIELDS.maxTriangles.default,
  nozzleMm: IMAGE_FIELDS.nozzleMm.default,
};

export interface SurfaceResult {
  mesh: Mesh;
  /** Heights/thicknesses the surface approximates, mm, on the grid. */
  heights: Float32Array;
  gridWidth: number;
  gridHeight: number;
  achievedErrorMm: number;
  surfaceTriangles: number;
  /** What levelling small islands changed, when it ran: `heights` is already the levelled field. */
  slicerSmoothing?: SlicerSmoothingReport;
}

export function reliefHeights(map: Heightmap, options: ReliefOptions): Float32Array {
  const { minHeightMm, maxHeightMm, baseMm, invert } = options;
  const out = new Float32Array(map.values.length);
  const range = maxHeightMm - minHeightMm;
  for (let i = 0; i < out.length; i++) {
    const v = Math.min(1, Math.max(0, map.values[i]));
    out[i] = baseMm + minHeightMm + (invert ? 1 - v : v) * range;
  }
  return out;
}

export function buildRelief(
  map: Heightmap,
  pitchMm: number,
  triangulate: Triangulator,
  options: Partial<ReliefOptions> = {},
): SurfaceResult {
  const opts = { ...RELIEF_DEFAULTS, ...options };
  const { width: W, height: H } = map;
  const smoothing = smoothForSlicer(reliefHeights(map, opts), W, H, pitchMm, opts);
  const heights = smoothing.values;
  // Each surface triangle costs its share of walls and base too: keep the total in budget.
  const surfaceBudget = Math.max(2, opts.maxTriangles - 4 * (W + H));
  const front = triangulate(heights, W, H, { maxError: opts.maxErrorMm, maxTriangles: surfaceBudget, metric: { kind: 'height' } });
  const halfW = ((W - 1) * pitchMm) / 2;
  const halfH = ((H - 1) * pitchMm) / 2;
  const mesh = buildSurfaceSolid({
    front,
    heights,
    gridWidth: W,
    gridHeight: H,
    pitchMm,
    back: 'fan',
    periodic: false,
    map: (u, v, h, out) => {
      out[0] = u - halfW;
      out[1] = v - halfH;
      out[2] = h;
    },
  });
  return {
    mesh,
    heights,
    gridWidth: W,
    gridHeight: H,
    achievedErrorMm: front.maxError,
    surfaceTriangles: front.triangles.length / 3,
    slicerSmoothing: smoothing.report,
  };
}
