/**
 * Thicken to the nozzle: strokes narrower than the nozzle are grown until they print, the rest of the
 * outline stays where it was.
 *
 * Method: the thin pixels of analyze/feature-width.ts (what an opening with a nozzle-wide disc
 * removes, corners excepted) are dilated by a disc of radius `targetMm / 2` plus half a pixel (an
 * exact distance transform to the thin set), and the grown pixels are added to the mask. Pixels
 * within the radius of a thin pixel are covered on both sides of a stroke, so a stroke of any width
 * w >= 1 px becomes at least 1 + 2 round(r) >= 2 r px wide; wide parts gain pixels only next to a
 * thin stroke that joins them. The caller asks for a target a little above the nozzle (the outline
 * simplification may shave its tolerance off each side of a stroke).
 */
import { squaredDistanceTo } from '../analyze/distance-transform.ts';
import { measureFeatureWidth } from '../analyze/feature-width.ts';

export interface ThickenResult {
  mask: Uint8Array;
  /** Pixels added. */
  addedPixels: number;
}

export function thickenThinFeatures(mask: Uint8Array, width: number, height: number, pitchMm: number, targetMm: number): ThickenResult {
  const { thin, thinAreaMm2 } = measureFeatureWidth(mask, width, height, pitchMm, { nozzleMm: targetMm });
  if (thinAreaMm2 === 0) return { mask, addedPixels: 0 };
  const toThin = squaredDistanceTo(thin, width, height);
  const reach = (targetMm / pitchMm / 2 + 0.5) ** 2;
  const out = Uint8Array.from(mask);
  let addedPixels = 0;
  for (let i = 0; i < out.length; i++) {
    if (!out[i] && toThin[i] <= reach) {
      out[i] = 1;
      addedPixels++;
    }
  }
  return { mask: out, addedPixels };
}
