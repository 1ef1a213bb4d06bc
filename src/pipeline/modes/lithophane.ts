/**
 * Lithophane: a thin plate whose thickness follows the picture (dark = thick), seen against a
 * light. Shapes:
 *  - flat: the plate lies on the bed, relief up, picture readable from above.
 *  - arc: the picture wraps around `arcDegrees` of a cylinder, relief outside, standing on the bed.
 *  - cylinder: a closed 360 degree lamp shade; the picture's left and right edges meet at the back.
 * Curved shapes keep the adaptive meshing: the triangulation runs in picture space with an error
 * metric measured after wrapping (radial deviation, so chord sag counts against the same bound),
 * and the smooth inner wall gets its own sparse triangulation seeded with the outer boundary.
 * `widthMm` is the unrolled picture width measured on the inner (back) surface.
 */
import { IMAGE_FIELDS } from '../catalog/image-fields.ts';
import type { Heightmap } from '../heightmap.ts';
import { addBorder } from '../heightmap-ops/border.ts';
import { smoothForSlicer } from '../heightmap-ops/slicer-friendly.ts';
import { buildSurfaceSolid } from '../solidify/surface-solid.ts';
import type { ShapeMap } from '../solidify/surface-solid.ts';
import type { Triangulator } from '../triangulate/triangulator.ts';
import type { ErrorMetric } from '../triangulate/types.ts';
import { WHITE_PLA_ATTENUATION_PER_MM } from './material.ts';
import type { SurfaceResult } from './relief.ts';
import { thicknessFromBrightness } from './thickness.ts';

export type LithophaneShape = 'flat' | 'arc' | 'cylinder';

export interface LithophaneOptions {
  shape: LithophaneShape;
  minThicknessMm: number;
  maxThicknessMm: number;
  /** Only for shape 'arc'. */
  arcDegrees: number;
  /** A solid border around the picture (0 = none), as wide as this, at frameThicknessMm. */
  frameMm: number;
  frameThicknessMm: number;
  attenuationPerMm: number;
  curve: 'transmission' | 'linear';
  maxErrorMm: number;
  maxTriangles: number;
  /** Flat shape only: islands and holes under (2 x nozzleMm)² are levelled in every layer (0 = off). */
  nozzleMm: number;
}

// The job parameters' declared defaults (catalog/image-fields.ts), so a stage run alone agrees with a job.
export const LITHOPHANE_DEFAULTS: LithophaneOptions = {
  shape: IMAGE_FIELDS.shape.default,
  minThicknessMm: IMAGE_FIELDS.minThicknessMm.default,
  maxThicknessMm: IMAGE_FIELDS.maxThicknessMm.default,
  arcDegrees: IMAGE_FIELDS.arcDegrees.default,
  frameMm: IMAGE_FIELDS.frameMm.default,
  frameThicknessMm: IMAGE_FIELDS.frameThicknessMm.default,
  attenuationPerMm: WHITE_PLA_ATTENUATION_PER_MM,
  curve: 'transmission',
  maxErrorMm: IMAGE_FIELDS.maxErrorMm.default,
  maxTriangles: IMAGE_FIELDS.maxTriangles.default,
  nozzleMm: IMAGE_FIELDS.nozzleMm.default,
};

export interface LithophaneResult extends SurfaceResult {
  /** Thickness per sample in picture orientation (for the backlit preview). */
  thickness: Heightmap;
}

/**
 * `map` must already be on the print grid: for 'cylinder', `pitchMm * map.width` is the
 * circumference (the first column is repeated internally to close the ring); otherwise
 * `pitchMm * (map.width - 1)` is the width.
 */
export function buildLithophane(
  map: Heightmap,
  pitchMm: number,
  triangulate: Triangulator,
  options: Partial<LithophaneOptions> = {},
): LithophaneResult {
  const opts = { ...LITHOPHANE_DEFAULTS, ...options };
  let grid: Heightmap = { width: map.width, height: map.height, values: thicknessFromBrightness(map, opts) };
  const frameSamples = Math.round(opts.frameMm / pitchMm);
  if (frameSamples > 0) {
    // A cylinder's frame is a top and bottom band only: its sides meet each other.
    grid =
      opts.shape === 'cylinder'
        ? addBands(grid, frameSamples, opts.frameThicknessMm)
        : addBorder(grid, frameSamples, opts.frameThicknessMm);
  }
  // Only a flat plate is sliced along its thickness; curved shapes are cut across it, where a
  // level of the thickness field is no layer (and they slice fast already: issue 16, 16 s for a cylinder).
  const smoothing = opts.shape === 'flat' ? smoothForSlicer(grid.values, grid.width, grid.height, pitchMm, opts) : undefined;
  if (smoothing) grid = { ...grid, values: smoothing.values };
  const thickness: Heightmap = grid;
  const periodic = opts.shape === 'cylinder';
  if (periodic) grid = repeatFirstColumn(grid);

  const { width: W, height: H, values: heights } = grid;
  const unrolledMm = periodic ? (W - 1) * pitchMm : (W - 1) * pitchMm;
  const angle = opts.shape === 'cylinder' ? 2 * Math.PI : opts.shape === 'arc' ? (opts.arcDegrees * Math.PI) / 180 : 0;
  const radius = angle > 0 ? unrolledMm / angle : 0;
  const metric: ErrorMetric = angle > 0 ? { kind: 'cylinder', radius, radiansPerSample: pitchMm / radius } : { kind: 'height' };

  const backBudgetShare = angle > 0 ? 0.15 : 0;
  const surfaceBudget = Math.max(2, Math.floor(opts.maxTriangles * (1 - backBudgetShare)) - 4 * (W + H));
  const front = triangulate(heights, W, H, {
    maxError: opts.maxErrorMm,
    maxTriangles: surfaceBudget,
    metric,
    periodicX: periodic,
  });
  const back =
    angle > 0
      ? triangulate(new Float32Array(W * H), W, H, {
          maxError: opts.maxErrorMm,
          maxTriangles: Math.max(2, Math.floor(opts.maxTriangles * backBudgetShare)),
          metric,
          periodicX: periodic,
          seedPoints: boundaryPoints(front.points, W, H),
        })
      : 'fan';

  const mesh = buildSurfaceSolid({
    front,
    heights,
    gridWidth: W,
    gridHeight: H,
    pitchMm,
    back,
    periodic,
    map: angle > 0 ? wrapMap(radius, angle) : flatMap((W - 1) * pitchMm, (H - 1) * pitchMm),
  });
  return {
    mesh,
    heights,
    gridWidth: W,
    gridHeight: H,
    achievedErrorMm: front.maxError,
    surfaceTriangles: front.triangles.length / 3,
    thickness,
    slicerSmoothing: smoothing?.report,
  };
}

function flatMap(widthMm: number, heightMm: number): ShapeMap {
  return (u, v, h, out) => {
    out[0] = u - widthMm / 2;
    out[1] = v - heightMm / 2;
    out[2] = h;
  };
}

/** Unrolled (u, v, h) -> a cylinder standing on the bed, the picture's centre facing -y. */
function wrapMap(radius: number, angle: number): ShapeMap {
  return (u, v, h, out) => {
    const theta = u / radius - angle / 2;
    const r = radius + h;
    out[0] = r * Math.sin(theta);
    out[1] = -r * Math.cos(theta);
    out[2] = v;
  };
}

function repeatFirstColumn(map: Heightmap): Heightmap {
  const W = map.width + 1;
  const values = new Float32Array(W * map.height);
  for (let y = 0; y < map.height; y++) {
    values.set(map.values.subarray(y * map.width, (y + 1) * map.width), y * W);
    values[y * W + map.width] = map.values[y * map.width];
  }
  return { width: W, height: map.height, values };
}

function addBands(map: Heightmap, samples: number, value: number): Heightmap {
  const H = map.height + samples * 2;
  const values = new Float32Array(map.width * H).fill(value);
  values.set(map.values, samples * map.width);
  return { width: map.width, height: H, values };
}

function boundaryPoints(points: Uint32Array, W: number, H: number): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i],
      y = points[i + 1];
    if (x === 0 || y === 0 || x === W - 1 || y === H - 1) out.push(x, y);
  }
  return Uint32Array.from(out);
}
