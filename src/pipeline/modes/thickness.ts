/**
 * Brightness -> lithophane thickness through the light that will come through it. The picture's
 * sRGB value is turned into linear light, mapped linearly onto the transmission range of the
 * [min, max] thickness, and inverted with Beer-Lambert: t = -ln(T) / k. A linear brightness ->
 * thickness ramp (what most tools do) crushes the highlights, because transmission falls off
 * exponentially with thickness.
 */
import type { Heightmap } from '../heightmap.ts';

export interface ThicknessOptions {
  minThicknessMm: number;
  maxThicknessMm: number;
  attenuationPerMm: number;
  curve: 'transmission' | 'linear';
}

export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

export function thicknessFromBrightness(map: Heightmap, options: ThicknessOptions): Float32Array {
  const { minThicknessMm: tMin, maxThicknessMm: tMax, attenuationPerMm: k } = options;
  const out = new Float32Array(map.values.length);
  if (options.curve === 'linear') {
    for (let i = 0; i < out.length; i++) out[i] = tMax - clamp01(map.values[i]) * (tMax - tMin);
    return out;
  }
  const darkest = Math.exp(-k * tMax);
  const brightest = Math.exp(-k * tMin);
  // A lookup table over 4096 levels: exact enough for 16-bit input, and fast.
  const levels = 4096;
  const table = new Float32Array(levels + 1);
  for (let i = 0; i <= levels; i++) {
    const transmission = darkest + srgbToLinear(i / levels) * (brightest - darkest);
    table[i] = Math.min(tMax, Math.max(tMin, -Math.log(transmission) / k));
  }
  for (let i = 0; i < out.length; i++) {
    const f = clamp01(map.values[i]) * levels;
    const lo = Math.floor(f);
    const hi = Math.min(levels, lo + 1);
    out[i] = table[lo] + (table[hi] - table[lo]) * (f - lo);
  }
  return out;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : Math.min(v, 1);
}
