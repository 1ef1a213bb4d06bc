/**
 * How much work a job is, from its parameters and its input's header alone (image width x height,
 * or a 3D file's triangle count), before a pixel is decoded: the grid it samples, the triangles it
 * is expected to make, its peak memory and its time on one pool worker. Job creation refuses what is
 * past the limits, prices by the grid, and the queue shares workers by the seconds.
 *
 * Model: memory = base + bytes per source pixel + per grid sample + per triangle; time likewise.
 * Calibrated on this machine (2 cores, Node 24, December 2026) with `npm exec -- node
 * bench/estimate-calibration.ts`: each job once in a fresh process, peak RSS (VmHWM) minus the RSS
 * after loading (~115 MB), on a generated photo (gradient + blobs + noise, bench/photo-like.ts),
 * STL + previews, defaults otherwise. Measured | estimated:
 *
 * | job                                                  | grid         | triangles | peak MB     | s           |
 * |------------------------------------------------------|--------------|-----------|-------------|-------------|
 * | 1024² flat lithophane, defaults (100 mm at 0.2 mm)   | 501² 0.25 M  | 87 k      | 82 / 141    | 1.8 / 5.1   |
 * | 1024² flat lithophane, 204.6 mm (full resolution)    | 1024² 1.05 M | 395 k     | 214 / 226   | 7.4 / 8.5   |
 * | the same with maxTriangles 2 M                       | 1024² 1.05 M | 1.14 M    | 523 / 485   | 19.9 / 19.5 |
 * | 1024² relief 204.6 mm, maxError 0.01, maxTriangles 1 M | 1024² 1.05 M | 998 k   | 461 / 466   | 21.0 / 18.7 |
 * | 2048² flat lithophane, 409.4 mm                      | 2048² 4.2 M  | 386 k     | 307 / 355   | 10.7 / 11.8 |
 * | 500² cylinder, 1000 mm at 0.02 mm (4 columns/pixel)  | 2001² 4.0 M  | 373 k     | 304 / 305   | 22.0 / 13.6 |
 * | 1000² cylinder, 1000 mm at 0.02 mm                   | 4001² 16 M   | 356 k     | 624 / 663   | 25.0 / 31.9 |
 * | 2000² cylinder, 1000 mm at 0.02 mm                   | 8001² 64 M   | -         | 756+ / 2084 | 24.5+ / 104 |
 * | 2048² extrude, 100 mm                                | 1600² 2.6 M  | 39 k      | 131 / 183   | 5.8 / 4.8   |
 * | repair, UV sphere of 0.2 M / 1 M / 2 M triangles     | -            | = input   | 152 / 147, 521 / 575, 1107 / 1109 | 4.2 / 4.9, 15 / 22.5, 49 / 44.5 |
 * | convert, 1 M triangles                               | -            | = input   | 253 / 288   | 8.9 / 9.5   |
 *
 * The 64 M-sample cylinder is issue 14's job: it spent 25 s and most of a GB before the triangulator
 * refused its 8001-sample sides; the estimate refuses it at once. Times come from a loaded 2-core
 * machine and vary by ~30%; they only have to rank jobs and keep prices in proportion.
 *
 * Triangles: a photo meshed at print resolution needs about half the full grid's triangles after the
 * default denoise (DESIGN.md: 60-90% raw), so the estimate is min(budget, half the full grid) plus the
 * walls; smooth pictures need far fewer, so image estimates lean high (the default job by ~3x).
 */
import { fitOnPlate, plateWarning } from './build-plate.ts';
import type { PlateFit } from './build-plate.ts';
import { IMPORT_LIMITS_DEFAULTS } from './import/limits.ts';
import { expectedPrintSize } from './print-size.ts';
import { imageJobGrid } from './job-grid.ts';
import type { ImageJobParams } from './params.ts';
import { MAX_GRID_SIDE } from './triangulate/greedy.ts';

export interface WorkEstimate {
  /** The grid the triangulator sees (frame and a cylinder's closing column included); image modes only. */
  grid?: { width: number; height: number };
  /** Height samples of that grid (0 for mesh modes). */
  samples: number;
  /** Expected triangles of the output (mesh modes: of the input), bounded by the budget. */
  triangles: number;
  /** Expected peak memory of the job above an idle worker, MB. */
  memoryMb: number;
  /** Expected time on one pool worker (calibration machine), seconds: the unit the queue shares fairly. */
  seconds: number;
  /** Image modes with a known picture size: the printed bounding box, mm (print-size.ts). */
  sizeMm?: [number, number, number];
  /** False when sizeMm is approximate (an extrusion's outline is known only once traced). */
  sizeExact?: boolean;
  /** How the box fits the job's build volume (build-plate.ts). */
  buildPlate?: PlateFit['fits'];
  /** What the user should know before paying: a model that fits the build volume only turned, or not at all. */
  warnings?: string[];
}

export interface EstimateLimits {
  /** Largest grid a heightmap job may sample. */
  maxGridSamples: number;
  /** Largest expected peak memory of one job, MB. */
  maxMemoryMb: number;
}

export const ESTIMATE_LIMITS_DEFAULTS: EstimateLimits = {
  // The triangulator's own limit is 4096 a side; past 16.8 M samples memory grows by ~30 MB per M.
  maxGridSamples: MAX_GRID_SIDE * MAX_GRID_SIDE,
  // Peak RSS, typed arrays and WASM included: two such jobs still fit beside each other on a small server.
  maxMemoryMb: 1536,
};

export interface LimitExcess {
  limit: 'gridSamples' | 'gridSide' | 'memoryMb';
  value: number;
  max: number;
}

const MB = 1024 * 1024;
/** Calibrated costs (see the table above). */
const IMAGE = {
  baseMb: 20,
  bytesPerPixel: 12,
  bytesPerSample: 30,
  bytesPerTriangle: 420,
  baseS: 0.5,
  sPerSample: 1e-6,
  sPerTriangle: 17e-6,
};
/** Curved shapes triangulate with a radial metric and a second (back) surface. */
const CURVED_SAMPLE_FACTOR = 1.5;
const SURFACE_METRIC_BYTES_PER_SAMPLE = 24;
/** Share of the full grid's triangles a denoised photo needs; logos trace far fewer. */
const PHOTO_TRIANGLE_SHARE = 0.5;
const EXTRUDE_TRIANGLE_SHARE = 0.02;
/**
 * A colour relief also plans its swaps: ~1 s per filament at 100 mm and 0.2 mm on this machine
 * under load (bench:colour: 1-17 s for 2-6 filaments, 2 starts of coordinate descent), plus the
 * decoded RGB planes (three float planes of the picture, and of the grid).
 */
const COLOUR_PLAN_S_PER_FILAMENT = 1.5;
const COLOUR_BYTES_PER_PIXEL = 12;
const MESH = {
  repair: { baseMb: 40, bytesPerTriangle: 560, baseS: 0.5, sPerTriangle: 22e-6 },
  convert: { baseMb: 40, bytesPerTriangle: 260, baseS: 0.5, sPerTriangle: 9e-6 },
} as const;

/**
 * `source` is the picture's size from its header; without it (an old upload row) the picture is
 * assumed square and large enough for whatever the parameters ask.
 */
export function estimateImageJob(params: ImageJobParams, source?: { width: number; height: number }): WorkEstimate {
  const picture = source ?? assumedSource(params);
  const grid = imageJobGrid(picture, params);
  let width = grid.width;
  let height = grid.height;
  const curved = params.mode === 'lithophane' && params.shape !== 'flat';
  if (params.mode === 'lithophane') {
    const frame = params.frameMm > 0 ? Math.round(params.frameMm / grid.pitchMm) : 0;
    if (params.shape === 'cylinder' || params.shape === 'globe') {
      width += 1; // the ring's closing column
      height += 2 * frame; // top and bottom bands
    } else {
      width += 2 * frame;
      height += 2 * frame;
    }
  }
  const samples = width * height;
  const fullGrid = 2 * (width - 1) * (height - 1);
  const triangles =
    // A colour lithophane: a full grid on both sides of every body.
    params.mode === 'colour-lithophane'
      ? 2 * params.filaments.length * fullGrid + 4 * params.filaments.length * (width + height)
      : params.mode === 'extrude'
        ? Math.round(EXTRUDE_TRIANGLE_SHARE * fullGrid)
        : Math.min(params.maxTriangles, Math.round(PHOTO_TRIANGLE_SHARE * fullGrid)) + 4 * (width + height);
  const colour = params.mode === 'colour-relief' || params.mode === 'colour-lithophane';
  // Dome and globe keep each sample's 3D point and normal for the surface metric (6 float32s).
  const mapped = params.mode === 'lithophane' && (params.shape === 'dome' || params.shape === 'globe');
  const bytes =
    IMAGE.baseMb * MB +
    (IMAGE.bytesPerPixel + (colour ? COLOUR_BYTES_PER_PIXEL : 0)) * picture.width * picture.height +
    (IMAGE.bytesPerSample + (colour ? COLOUR_BYTES_PER_PIXEL : 0) + (mapped ? SURFACE_METRIC_BYTES_PER_SAMPLE : 0)) * samples;
  const seconds =
    IMAGE.baseS +
    IMAGE.sPerSample * samples * (curved ? CURVED_SAMPLE_FACTOR : 1) +
    IMAGE.sPerTriangle * triangles +
    (colour ? COLOUR_PLAN_S_PER_FILAMENT * params.filaments.length : 0);
  return {
    grid: { width, height },
    samples,
    triangles,
    memoryMb: Math.ceil((bytes + IMAGE.bytesPerTriangle * triangles) / MB),
    seconds: round1(seconds),
    ...(source ? plateCheck(params, source) : {}),
  };
}

function plateCheck(params: ImageJobParams, source: { width: number; height: number }): Partial<WorkEstimate> {
  const { sizeMm, exact } = expectedPrintSize(params, source);
  const warning = plateWarning(sizeMm, params.buildPlateMm, !exact);
  return {
    sizeMm: sizeMm.map((s) => round1(s)) as [number, number, number],
    sizeExact: exact,
    buildPlate: fitOnPlate(sizeMm, params.buildPlateMm).fits,
    warnings: warning ? [warning] : [],
  };
}

/** Repair and convert read the whole file: without its triangle count, the import limit is assumed. */
export function estimateMeshJob(mode: 'repair' | 'convert', inputTriangles?: number | null): WorkEstimate {
  const costs = MESH[mode];
  const triangles = inputTriangles ?? IMPORT_LIMITS_DEFAULTS.maxTriangles;
  return {
    samples: 0,
    triangles,
    memoryMb: Math.ceil(costs.baseMb + (costs.bytesPerTriangle * triangles) / MB),
    seconds: round1(costs.baseS + costs.sPerTriangle * triangles),
  };
}

/** Every limit the estimate is past (empty: the job may run). */
export function exceededLimits(estimate: WorkEstimate, limits: EstimateLimits = ESTIMATE_LIMITS_DEFAULTS): LimitExcess[] {
  const out: LimitExcess[] = [];
  if (estimate.samples > limits.maxGridSamples) out.push({ limit: 'gridSamples', value: estimate.samples, max: limits.maxGridSamples });
  const side = estimate.grid ? Math.max(estimate.grid.width, estimate.grid.height) : 0;
  if (side > MAX_GRID_SIDE) out.push({ limit: 'gridSide', value: side, max: MAX_GRID_SIDE });
  if (estimate.memoryMb > limits.maxMemoryMb) out.push({ limit: 'memoryMb', value: estimate.memoryMb, max: limits.maxMemoryMb });
  return out;
}

function assumedSource(params: ImageJobParams): { width: number; height: number } {
  if (params.mode === 'extrude') return { width: 1600, height: 1600 };
  const side = Math.round((params.heightMm ?? params.widthMm) / params.resolutionMm) + 1;
  return { width: side, height: side };
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}
