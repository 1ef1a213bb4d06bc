/** Pads the grid with `samples` samples of a constant value on every side (frames, margins). */
import type { Heightmap } from '../heightmap.ts';

export function addBorder(map: Heightmap, samples: number, value: number): Heightmap {
  if (samples <= 0) return map;
  const width = map.width + samples * 2;
  const height = map.height + samples * 2;
  const values = new Float32Array(width * height).fill(value);
  const mask = map.mask ? new Uint8Array(width * height).fill(1) : undefined;
  for (let y = 0; y < map.height; y++) {
    values.set(map.values.subarray(y * map.width, (y + 1) * map.width), (y + samples) * width + samples);
    if (mask && map.mask) mask.set(map.mask.subarray(y * map.width, (y + 1) * map.width), (y + samples) * width + samples);
  }
  return mask ? { width, height, values, mask } : { width, height, values };
}
