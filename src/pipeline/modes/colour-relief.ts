/**
 * Colour relief ("filament painting"): a photo becomes a thin relief whose height at each point
 * picks, through the stacked filaments, the colour nearest the photo's there (swap-plan.ts). The
 * swap layers are chosen first, on the whole picture, then each sample gets its layer count, the
 * field is smoothed like a relief for the slicer, and the solid is built like a relief on a flat
 * bottom. The prediction (what the print will look like) is rendered from the smoothed field, as
 * printed: each sample's height rounded to whole layers.
 */
import type { Filament } from '../colour/filaments.ts';
import type { RgbPlanes, SwapPlan, SwapPlanOptions } from '../colour/swap-plan.ts';
import { assignLayers, meanDeltaE, planSwaps, predictPicture } from '../colour/swap-plan.ts';
import type { Heightmap } from '../heightmap.ts';
import type { Triangulator } from '../triangulate/triangulator.ts';
import type { SurfaceResult } from './relief.ts';
import { buildRelief } from './relief.ts';

export interface ColourReliefOptions {
  filaments: Filament[];
  layerHeightMm: number;
  /** Solid base, mm (rounded up to whole layers). */
  baseMm: number;
  /** Relief above the base at its highest, mm (rounded to whole layers). */
  reliefMm: number;
  method: SwapPlanOptions['method'];
  nozzleMm: number;
  maxErrorMm: number;
  maxTriangles: number;
}

export interface ColourReliefField {
  plan: SwapPlan;
  /** Heights in mm after smoothing, on the grid. */
  layers: Uint16Array;
  predicted: RgbPlanes;
  /** Mean CIEDE2000 between the picture and the prediction, over every sample. */
  meanDeltaE: number;
}

export function layerCounts(options: Pick<ColourReliefOptions, 'layerHeightMm' | 'baseMm' | 'reliefMm'>): {
  baseLayers: number;
  maxLayers: number;
} {
  const baseLayers = Math.max(1, Math.ceil(options.baseMm / options.layerHeightMm - 1e-6));
  const maxLayers = baseLayers + Math.max(1, Math.round(options.reliefMm / options.layerHeightMm));
  return { baseLayers, maxLayers };
}

/** The plan and each sample's layer count, before meshing: what the bench and the pipeline share. */
export function planColourRelief(picture: RgbPlanes, options: ColourReliefOptions): { plan: SwapPlan; layers: Uint16Array } {
  const { baseLayers, maxLayers } = layerCounts(options);
  const plan = planSwaps(picture, options.filaments, {
    layerHeightMm: options.layerHeightMm,
    baseLayers,
    maxLayers,
    method: options.method,
  });
  return { plan, layers: assignLayers(picture, plan) };
}

export function buildColourRelief(
  picture: RgbPlanes,
  pitchMm: number,
  triangulate: Triangulator,
  options: ColourReliefOptions,
): SurfaceResult & ColourReliefField {
  const { plan, layers } = planColourRelief(picture, options);
  const { width, height } = picture;
  // The relief builder maps 0..1 onto [base + min, base + max]: give it layer count / maxLayers.
  const values = new Float32Array(layers.length);
  for (let i = 0; i < values.length; i++) values[i] = layers[i] / plan.maxLayers;
  const map: Heightmap = { width, height, values };
  const built = buildRelief(map, pitchMm, triangulate, {
    minHeightMm: 0,
    maxHeightMm: plan.maxLayers * plan.layerHeightMm,
    baseMm: 0,
    invert: false,
    nozzleMm: options.nozzleMm,
    maxErrorMm: options.maxErrorMm,
    maxTriangles: options.maxTriangles,
  });
  const printed = new Float32Array(built.heights.length);
  for (let i = 0; i < printed.length; i++) printed[i] = built.heights[i] / plan.layerHeightMm;
  const predicted = predictPicture(printed, width, height, plan);
  return { ...built, plan, layers, predicted, meanDeltaE: meanDeltaE(picture, predicted) };
}
