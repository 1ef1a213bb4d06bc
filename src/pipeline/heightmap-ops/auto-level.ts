/**
 * Stretch brightness so that the `clipFraction` darkest and brightest samples map to 0 and 1.
 * Percentiles (not min/max) so one dead pixel cannot flatten a photo. Masked-out samples are ignored.
 */
import type { Heightmap } from '../heightmap.ts';

export interface AutoLevelOptions {
  clipFraction: number;
}

export const AUTO_LEVEL_DEFAULTS: AutoLevelOptions = { clipFraction: 0.005 };

export function autoLevel(map: Heightmap, options: Partial<AutoLevelOptions> = {}): Heightmap {
  const { clipFraction } = { ...AUTO_LEVEL_DEFAULTS, ...options };
  const bins = 4096;
  const histogram = new Uint32Array(bins);
  let counted = 0;
  for (let i = 0; i < map.values.length; i++) {
    if (map.mask && !map.mask[i]) continue;
    histogram[Math.min(bins - 1, Math.max(0, Math.floor(map.values[i] * bins)))]++;
    counted++;
  }
  if (counted === 0) return map;
  const clip = Math.floor(counted * clipFraction);
  let low = 0;
  for (let seen = 0; low < bins - 1; low++) {
    seen += histogram[low];
    if (seen > clip) break;
  }
  let high = bins - 1;
  for (let seen = 0; high > 0; high--) {
    seen += histogram[high];
    if (seen > clip) break;
  }
  const lo = low / bins;
  const hi = (high + 1) / bins;
  // A flat picture stays flat rather than amplifying noise into a relief.
  if (hi - lo < 2 / 255) return map;
  const scale = 1 / (hi - lo);
  const values = new Float32Array(map.values.length);
  for (let i = 0; i < values.length; i++) values[i] = Math.min(1, Math.max(0, (map.values[i] - lo) * scale));
  return { ...map, values };
}
