/**
 * The ink an extrusion is traced from, measured against the nozzle and, with `thicken`, widened to it:
 * ink on the grid (ink-grid.ts: what sampling lost is counted, or kept when thickening), thin strokes
 * grown (thicken.ts) on a grid padded by the growth so strokes at the picture's edge grow outward
 * too, and the feature widths of what will be traced (analyze/feature-width.ts).
 *
 * The pitch is the logo's, not the picture's: extrudeLogo scales the traced outline to widthMm, so
 * one cell is widthMm / (ink columns). Thickening can widen the ink's extent and so shrink the cells
 * a little; it then runs once more at the smaller pitch so strokes still reach the nozzle.
 * Without thickening (or when nothing is thin or lost) the picture's own grey map is traced, as
 * before, with its sub-pixel edges; a thickened mask is traced as pixel borders (cells are a few
 * hundredths of a millimetre).
 */
import type { FeatureWidth } from '../analyze/feature-width.ts';
import { measureFeatureWidth, pad } from '../analyze/feature-width.ts';
import type { Heightmap } from '../heightmap.ts';
import { inkOnGrid } from './ink-grid.ts';
import { thickenThinFeatures } from './thicken.ts';

export interface InkOptions {
  threshold: number;
  invert: boolean;
  widthMm: number;
  nozzleMm: number;
  thicken: boolean;
  /** The outline simplification's tolerance, mm: thickening aims this far beyond the nozzle on each side. */
  simplifyToleranceMm: number;
}

export interface PreparedInk {
  /** What extrudeLogo traces. */
  map: Heightmap;
  width: number;
  height: number;
  /** The ink as traced, its cells added by thickening and its cells lost to sampling (all width x height). */
  mask: Uint8Array;
  added: Uint8Array;
  vanished: Uint8Array;
  pitchMm: number;
  features: FeatureWidth;
  /** Share of the source picture's ink pixels lost to sampling (0 when thickening keeps them). */
  vanishedShare: number;
  thickenedAreaMm2: number;
}

export function prepareInk(source: Heightmap, grid: Heightmap, o: InkOptions): PreparedInk {
  const ink = inkOnGrid(source, grid, { threshold: o.threshold, invert: o.invert }, o.thicken);
  const vanishedShare = ink.sourceInkPixels > 0 ? ink.vanishedSourcePixels / ink.sourceInkPixels : 0;
  let width = grid.width;
  let height = grid.height;
  let mask = ink.mask;
  let vanished = o.thicken ? new Uint8Array(mask.length) : ink.vanishedCells;
  let added = new Uint8Array(mask.length);
  let map = grid;
  let pitchMm = o.widthMm / Math.max(1, inkColumns(mask, width, height));
  let thickenedAreaMm2 = 0;
  if (o.thicken && o.nozzleMm > 0) {
    const target = o.nozzleMm + 2 * o.simplifyToleranceMm;
    const margin = Math.ceil(target / pitchMm / 2) + 2;
    let padded = mask;
    for (let k = 0; k < margin; k++) padded = pad(padded, width + 2 * k, height + 2 * k);
    const W = width + 2 * margin;
    const H = height + 2 * margin;
    let grown = thickenThinFeatures(padded, W, H, pitchMm, target);
    const finer = o.widthMm / Math.max(1, inkColumns(grown.mask, W, H));
    if (finer < pitchMm * 0.999) {
      grown = thickenThinFeatures(padded, W, H, finer, target);
      pitchMm = o.widthMm / Math.max(1, inkColumns(grown.mask, W, H));
    }
    const rescued = ink.vanishedCells.includes(1);
    if (grown.addedPixels > 0 || rescued) {
      added = new Uint8Array(W * H);
      for (let i = 0; i < added.length; i++) added[i] = grown.mask[i] && !padded[i] ? 1 : 0;
      width = W;
      height = H;
      mask = grown.mask;
      vanished = new Uint8Array(W * H);
      map = { width, height, values: new Float32Array(W * H), mask };
      thickenedAreaMm2 = grown.addedPixels * pitchMm * pitchMm;
    }
  }
  const features = measureFeatureWidth(mask, width, height, pitchMm, { nozzleMm: o.nozzleMm });
  return { map, width, height, mask, added, vanished, pitchMm, features, vanishedShare, thickenedAreaMm2 };
}

/** Columns between the leftmost and rightmost ink cell, inclusive. */
function inkColumns(mask: Uint8Array, width: number, height: number): number {
  let min = width;
  let max = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return max >= min ? max - min + 1 : 0;
}
