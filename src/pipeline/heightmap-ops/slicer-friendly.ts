/**
 * Slicer-friendly surfaces (issue 16): every layer the slicer cuts through a relief or a flat lithophane
 * should be free of islands (and holes) smaller than the nozzle can draw. PrusaSlicer's time follows the
 * number of small islands per layer far more than the triangle count: a 135k-triangle flat lithophane of
 * a line drawing took 234 s to slice while the same picture as a 216k-triangle cylinder took 16 s.
 *
 * Method, two steps on the thickness (or height) field in mm:
 *  1. a Gaussian blur with sigma = nozzle / 2 (blur.ts): detail finer than the nozzle cannot be drawn
 *     anyway, and anti-aliased strokes and speckle otherwise cut ragged, sub-nozzle slivers in every layer;
 *  2. grey-level area opening, then area closing (area-filter.ts, Meijster & Wilkinson 2002), with the
 *     smallest kept area = nozzle² in grid samples. It works on every threshold at once, so it holds for
 *     any layer height: a slice at any z has no 8-connected island and no 4-connected hole under nozzle² on
 *     the grid, and samples in big enough components keep the blurred value exactly.
 * What both change is measured and reported (`SlicerSmoothingReport`), so the thickness error stays honest.
 *
 * Measured (PrusaSlicer 2.5 headless, 0.4 mm nozzle, 0.2 mm layers; slicer CPU seconds, machine shared at
 * load 16 on 2 cores, December 2026): a 50 x 37 mm flat lithophane of a line-drawing crop (generated,
 * bench/printable/pictures.ts) at 0.2 mm pitch: unsmoothed 8.9 s, 997 islands under nozzle² over 16 layers;
 * area filter alone 6.2 s; blur sigma 1 sample alone 2.2 s (57 small islands left); blur + area filter
 * 1.8 s (none left, 17k -> 7.4k triangles); blur sigma 0.75 / 1.5 samples + area filter 2.3 / 1.2 s. Half a
 * nozzle is the knee: most of the gain, strokes still read. A bigger kept area alone ((2 x nozzle)²) did less
 * than the blur (4.4 s); widening strokes by a one-sample dilation first did nothing useful (5.1 s).
 * PrusaSlicer's classic perimeter generator gives the same (10.4 -> 1.9 s): Arachne is not the cost.
 * Not solved by this alone: the whole 2809 x 2074 drawing as a 150 mm flat lithophane (183k -> 115k
 * triangles) still took over 72 CPU s (stopped at 1500 s wall under load), far more than 9 x the crop, so
 * the slicer's cost grows faster than the area there (one network of strokes per layer, thousands of holes).
 * Per-picture figures: bench/results/printable.json.
 */

import { areaClosing, areaOpening } from './area-filter.ts';
import { gaussianBlur } from './blur.ts';

/** Blur sigma as a share of the nozzle diameter (measured above: half a nozzle). */
export const BLUR_SIGMA_PER_NOZZLE = 0.5;

export interface SlicerSmoothingOptions {
  /** Nozzle diameter, mm; islands and holes under nozzleMm² are levelled. 0 turns the step off. */
  nozzleMm: number;
}

export interface SlicerSmoothingReport {
  method: 'blur+area-open-close';
  /** Gaussian sigma used, mm. */
  blurSigmaMm: number;
  nozzleMm: number;
  /** Smallest component kept at any level, in grid samples. */
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
  const minAreaSamples = Math.ceil((options.nozzleMm * options.nozzleMm) / (pitchMm * pitchMm));
  if (minAreaSamples <= 1) return { values };
  const blurSigmaMm = options.nozzleMm * BLUR_SIGMA_PER_NOZZLE;
  const blurred = gaussianBlur({ width, height, values }, blurSigmaMm / pitchMm).values;
  const opened = areaOpening(blurred, width, height, minAreaSamples, 8);
  const smoothed = areaClosing(opened, width, height, minAreaSamples, 4);
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
      method: 'blur+area-open-close',
      blurSigmaMm,
      nozzleMm: options.nozzleMm,
      minAreaSamples,
      changedShare: changed / n,
      maxChangeMm: max,
      meanChangeMm: sum / n,
    },
  };
}
