/** v -> 1 - v (dark becomes high in a relief, bright becomes thick in a lithophane). */
import type { Heightmap } from '../heightmap.ts';

export function invert(map: Heightmap): Heightmap {
  const values = new Float32Array(map.values.length);
  for (let i = 0; i < values.length; i++) values[i] = 1 - map.values[i];
  return { ...map, values };
}
