/**
 * Slicer-friendly surfaces (issue 16): every layer the slicer cuts through a relief or a flat lithophane
 * should be free of islands (and holes) smaller than the nozzle can draw. PrusaSlicer's time follows the
 * number of small islands per layer far more than the triangle count: a 135k-triangle flat lithophane of
 * a line drawing took 234 s to slice while the same picture as a 216k-triangle cylinder took 16 s.
 *
 * Method, two steps on the thickness (or height) field in mm:
 *  1. a Gaussian blur with sigma = one nozzle width (blur.ts): detail finer than the nozzle cannot be
 *     drawn anyway, and anti-aliased strokes, texture and speckle otherwise cut ragged, sub-nozzle
 *     slivers and loops into every layer;
 *  2. grey-level area opening, then area closing (area-filter.ts, Meijster & Wilkinson 2002), with the
 *     smallest kept area = (2 x nozzle)² in grid samples: a loop smaller than that has no room for an
 *     outer and an inner perimeter. It works on every threshold at once, so it holds for any layer
 *     height: a slice at any z has no 8-connected island and no 4-connected hole under (2 x nozzle)² on
 *     the grid, and samples in big enough components keep the blurred value exactly.
 * What both change is measured and reported (`SlicerSmoothingReport`), so the thickness error stays honest.
 *
 * What drives PrusaSlicer's time (profiled December 2026 on the corpus Portrait_3.jpg as the default
 * 100 mm flat lithophane, PrusaSlicer 2.5 --loglevel 4, slicer CPU seconds): 31 of 40 s go to "Generating
 * perimeters" (Arachne, ~1000 calls over 16 layers, cost spread over many regions), slicing itself takes
 * 0.4 s. Its time follows the loops too small for two perimeters and the triangle count, not the total
 * outline length (coarea: countLayerCrossings) nor islands under nozzle², which the old step had already
 * removed. Measured per setting (triangles; islands + holes under (2 x nozzle)² over 50 planes; CPU s):
 *   unsmoothed                              253k tris, 16.6k loops        (not sliced: > 180 s before)
 *   blur 0.5 nozzle, area nozzle² (before)  103k tris, 1458 loops, 51 s
 *   same, meshing tolerance 0.1 mm           50k tris,                     38 s
 *   blur 0.5 nozzle, area (2 x nozzle)²      94k tris,                     39 s
 *   blur 0.75 nozzle, area nozzle²           58k tris,  727 loops,         24 s
 *   blur 1 nozzle, area nozzle²              35k tris,  362 loops,         12 s
 *   blur 1 nozzle, area (2 x nozzle)² (now)  35k tris,                    8.6 s
 * The mean change to the thickness went from 0.060 to 0.099 mm (max 1.2 -> 1.5 mm, at stroke and
 * edge peaks); it is reported, and nozzleMm 0 turns the step off.
 * Earlier, on a 50 x 37 mm line-drawing crop at half-nozzle blur: area filter alone 8.9 -> 6.2 s, blur
 * alone 2.2 s, both 1.8 s; PrusaSlicer's classic perimeter generator gives the same (10.4 -> 1.9 s).
 * Per-picture figures: bench/results/printable.json and slicer.json.
 */

import { areaClosing, areaOpening } from './area-filter.ts';
import { gaussianBlur } from './blur.ts';

/** Blur sigma as a share of the nozzle diameter (measured above: one nozzle). */
export const BLUR_SIGMA_PER_NOZZLE = 1;
/** Smallest loop kept in any layer, as a multiple of the nozzle diameter per side (room for two perimeters). */
export const MIN_LOOP_NOZZLES = 2;

export interface SlicerSmoothingOptions {
  /** Nozzle diameter, mm; islands and holes under (2 x nozzleMm)² are levelled. 0 turns the step off. */
  nozzleMm: number;
  /**
   * Level loops under (2 x nozzle)² (step 2). Off for curved lithophanes (issue 15): their layers cut
   * across the thickness, so a level of the field is no layer, and only the blur applies.
   */
  levelLoops?: boolean;
}

export interface SlicerSmoothingReport {
  method: 'blur+area-open-close' | 'blur';
  /** Gaussian sigma used, mm. */
  blurSigmaMm: number;
  nozzleMm: number;
  /** Smallest component kept at any level, in grid samples (0 when loops are not levelled). */
  minAreaSamples: number;
  /** Share of samples whose height changed by more than 0.001 mm. */
  changedShare: number;
  /** Largest and mean absolute change, mm: the part of the surface's deviation from the picture it added. */
  maxChangeMm: number;
  meanChangeMm: number;
}

export interface SlicerSmoothingResult {
  values: Float32Array;
  report?: SlicerSmoothingReport;
}

export function smoothForSlicer(
  values: Float32Array,
  width: number,
  height: number,
  pitchMm: number,
  options: SlicerSmoothingOptions,
): SlicerSmoothingResult {
  if (!(options.nozzleMm > 0)) return { values };
  // A grid no finer than the nozzle holds no detail the nozzle cannot draw.
  if (options.nozzleMm <= pitchMm) return { values };
  const levelLoops = options.levelLoops ?? true;
  const loopMm = MIN_LOOP_NOZZLES * options.nozzleMm;
  const minAreaSamples = levelLoops ? Math.ceil((loopMm * loopMm) / (pitchMm * pitchMm)) : 0;
  const blurSigmaMm = options.nozzleMm * BLUR_SIGMA_PER_NOZZLE;
  const blurred = gaussianBlur({ width, height, values }, blurSigmaMm / pitchMm).values;
  const smoothed = levelLoops
    ? areaClosing(areaOpening(blurred, width, height, minAreaSamples, 8), width, height, minAreaSamples, 4)
    : blurred;
  let max = 0;
  let sum = 0;
  let changed = 0;
  for (let i = 0; i < values.length; i++) {
    const d = Math.abs(smoothed[i] - values[i]);
    sum += d;
    if (d > max) max = d;
    if (d > 0.001) changed++;
  }
  const n = Math.max(1, values.length);
  return {
    values: smoothed,
    report: {
      method: levelLoops ? 'blur+area-open-close' : 'blur',
      blurSigmaMm,
      nozzleMm: options.nozzleMm,
      minAreaSamples,
      changedShare: changed / n,
      maxChangeMm: max,
      meanChangeMm: sum / n,
    },
  };
}
