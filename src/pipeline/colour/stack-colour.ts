/**
 * The colour a stack of translucent filament layers shows from above, lit from the front: the
 * light-transmission model the colour-relief planner and the previews share.
 *
 * Method (Beer-Lambert per layer, composited bottom to top in linear RGB): a band of filament f,
 * d mm thick, lets through T = 10^(-d / TD_f) of what lies under it and shows its own colour c_f
 * in proportion to the rest: C = c_f (1 - T) + C_below T. At d = TD a band hides 90% of what is
 * under it, which is how HueForge-style TD figures are measured (the thickness at which a filament
 * printed over black and white stops showing the difference). The bottom filament is taken as
 * opaque ground. Simplification: the light a band transmits is not tinted by it; that keeps the
 * model monotone and cheap (O(layers) per stack) while matching the luminance ramps makers see.
 */
import type { Filament } from './filaments.ts';
import { hexToSrgb } from './filaments.ts';
import { srgbChannelToLinear } from './lab.ts';

export type LinearRgb = [number, number, number];

export function filamentLinearRgb(f: Filament): LinearRgb {
  const [r, g, b] = hexToSrgb(f.hex);
  return [srgbChannelToLinear(r), srgbChannelToLinear(g), srgbChannelToLinear(b)];
}

/** Share of light a band `thicknessMm` thick lets through. */
export function bandTransmission(thicknessMm: number, tdMm: number): number {
  return 10 ** (-thicknessMm / tdMm);
}

/**
 * Colour (linear RGB) at each surface layer count 0..maxLayers, for filaments stacked bottom to
 * top and swap layers `swaps` (filament k+1 starts above layer swaps[k]; non-decreasing).
 * Returns 3 * (maxLayers + 1) values.
 */
export function stackColours(
  filaments: readonly Filament[],
  swaps: readonly number[],
  layerHeightMm: number,
  maxLayers: number,
): Float64Array {
  const out = new Float64Array(3 * (maxLayers + 1));
  const colours = filaments.map(filamentLinearRgb);
  const done: LinearRgb = [...colours[0]];
  let current = 0;
  let bandStart = 0;
  out.set(done, 0);
  for (let layer = 1; layer <= maxLayers; layer++) {
    // Filament k+1 starts at layer swaps[k] + 1: close the finished band into `done` first.
    while (current + 1 < filaments.length && layer > swaps[current]) {
      composite(done, colours[current], (layer - 1 - bandStart) * layerHeightMm, filaments[current].tdMm);
      current++;
      bandStart = layer - 1;
    }
    const t = bandTransmission((layer - bandStart) * layerHeightMm, filaments[current].tdMm);
    const c = colours[current];
    out[3 * layer] = c[0] * (1 - t) + done[0] * t;
    out[3 * layer + 1] = c[1] * (1 - t) + done[1] * t;
    out[3 * layer + 2] = c[2] * (1 - t) + done[2] * t;
  }
  return out;
}

function composite(under: LinearRgb, colour: LinearRgb, thicknessMm: number, tdMm: number): void {
  if (thicknessMm <= 0) return;
  const t = bandTransmission(thicknessMm, tdMm);
  for (let i = 0; i < 3; i++) under[i] = colour[i] * (1 - t) + under[i] * t;
}
