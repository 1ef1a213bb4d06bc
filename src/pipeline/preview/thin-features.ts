/**
 * thin-features.png: the flat shape of an extrusion or outline cut as the printer will lay it, with
 * what the nozzle cannot print marked, so the web page or a user can see where: ink dark grey, parts
 * narrower than the nozzle red, area added by thickening blue, ink lost to the sampling step orange.
 * One pixel per grid cell, picture orientation (row 0 at the top).
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

export function renderThinFeatures(layers: ThinFeatureLayers): RgbaImage {
  const { width, height, mask, thin, added, vanished } = layers;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const colour = thin[i] ? THIN : added?.[i] ? ADDED : mask[i] ? INK : vanished?.[i] ? LOST : PAPER;
    data[i * 4] = colour[0];
    data[i * 4 + 1] = colour[1];
    data[i * 4 + 2] = colour[2];
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}
