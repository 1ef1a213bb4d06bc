/** v -> v^gamma: below 1 opens up shadows, above 1 deepens them. */
import type { Heightmap } from '../heightmap.ts';

export function applyGamma(map: Heightmap, gamma: number): Heightmap {
  if (gamma === 1) return map;
  const values = new Float32Array(map.values.length);
  for (let i = 0; i < values.length; i++) values[i] = Math.max(0, map.values[i]) ** gamma;
  return { ...map, values };
}
