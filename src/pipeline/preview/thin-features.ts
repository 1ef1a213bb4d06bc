/**
 * thin-features.png: the flat shape of an extrusion or outline cut as the printer will lay it, with
 * what the nozzle cannot print marked, so the web page or a user can see where: ink dark grey, parts
 * narrower than the nozzle red, area added by thickening blue, ink lost to the sampling step orange.
 * One pixel per grid cell up to 1,600 cells a side, else one per block of cells (the block shows its most
 * telling layer: thin, then added, ink, lost), picture orientation (row 0 at the top).
 */
import type { RgbaImage } from './image.ts';

export interface ThinFeatureLayers {
  width: number;
  height: number;
  /** The shape as made (after thickening). */
  mask: Uint8Array;
  thin: Uint8Array;
  /** Cells added by thickening (optional). */
  added?: Uint8Array;
  /** Cells whose ink averaged away and was not kept (optional). */
  vanished?: Uint8Array;
}

const PAPER = [255, 255, 255];
const INK = [70, 70, 70];
const THIN = [220, 30, 30];
const ADDED = [40, 110, 230];
const LOST = [255, 150, 0];
/** By rank: what a block shows when it holds several layers (the higher wins). */
const COLOURS = [PAPER, LOST, INK, ADDED, THIN];

/** Longest side of the picture, px: a 5 m² relief grid would otherwise be a 100 MB image. */
const MAX_SIDE = 1600;

export function renderThinFeatures(layers: ThinFeatureLayers): RgbaImage {
  const { width, height, mask, thin, added, vanished } = layers;
  const step = Math.max(1, Math.ceil(Math.max(width, height) / MAX_SIDE));
  const W = Math.ceil(width / step);
  const H = Math.ceil(height / step);
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let rank = 0;
      for (let v = y * step; v < Math.min(height, (y + 1) * step); v++) {
        for (let u = x * step; u < Math.min(width, (x + 1) * step); u++) {
          const i = v * width + u;
          rank = Math.max(rank, thin[i] ? 4 : added?.[i] ? 3 : mask[i] ? 2 : vanished?.[i] ? 1 : 0);
        }
      }
      const colour = COLOURS[rank];
      const o = (y * W + x) * 4;
      data[o] = colour[0];
      data[o + 1] = colour[1];
      data[o + 2] = colour[2];
      data[o + 3] = 255;
    }
  }
  return { width: W, height: H, data };
}
