/**
 * The swap sheet a maker prints beside the printer: which filament to load first, and at which
 * layer (and height) to swap to which. Bands the plan left empty (a filament the picture did not
 * need) are dropped, so every entry is a real pause. Layers are counted from 1 with the first
 * layer as high as the others, which is what the plan assumes.
 */
import type { ColourChange } from '../export/colour-changes.ts';
import type { SwapPlan } from './swap-plan.ts';

export interface SwapSheetFilament {
  name: string;
  hex: string;
  tdMm: number;
}

export interface SwapSheet {
  layerHeightMm: number;
  firstLayerMm: number;
  totalLayers: number;
  heightMm: number;
  start: SwapSheetFilament;
  swaps: Array<{ layer: number; printZMm: number; filament: SwapSheetFilament }>;
  /** Every band, bottom to top, with its layers (inclusive). */
  bands: Array<{ fromLayer: number; toLayer: number; filament: SwapSheetFilament }>;
}

export function swapSheet(plan: SwapPlan, topLayer = plan.maxLayers): SwapSheet {
  const lh = plan.layerHeightMm;
  const bands: SwapSheet['bands'] = [];
  let from = 1;
  for (let k = 0; k < plan.filaments.length; k++) {
    const to = Math.min(topLayer, k < plan.swaps.length ? plan.swaps[k] : topLayer);
    if (to >= from) bands.push({ fromLayer: from, toLayer: to, filament: describe(plan.filaments[k]) });
    from = Math.max(from, to + 1);
  }
  const swaps = bands.slice(1).map((band) => ({ layer: band.fromLayer, printZMm: round(band.fromLayer * lh), filament: band.filament }));
  return {
    layerHeightMm: lh,
    firstLayerMm: lh,
    totalLayers: topLayer,
    heightMm: round(topLayer * lh),
    start: bands[0].filament,
    swaps,
    bands,
  };
}

export function colourChangesOf(sheet: SwapSheet): ColourChange[] {
  return sheet.swaps.map((s) => ({ printZMm: s.printZMm, hex: s.filament.hex }));
}

function describe(f: { name: string; hex: string; tdMm: number }): SwapSheetFilament {
  return { name: f.name, hex: f.hex, tdMm: f.tdMm };
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
