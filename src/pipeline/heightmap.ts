/**
 * A heightmap is a grid of samples, row-major, row 0 at the top of the picture.
 * `values` are normalised brightness in [0, 1] until a mode turns them into millimetres.
 * `mask` (optional) is 1 where the picture has a subject (alpha > 50%), 0 where it is transparent.
 */
export interface Heightmap {
  width: number;
  height: number;
  values: Float32Array;
  mask?: Uint8Array;
}

export function createHeightmap(width: number, height: number, fill = 0): Heightmap {
  const values = new Float32Array(width * height);
  if (fill !== 0) values.fill(fill);
  return { width, height, values };
}

export function heightmapRange(map: Heightmap): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  const v = map.values;
  for (let i = 0; i < v.length; i++) {
    if (v[i] < min) min = v[i];
    if (v[i] > max) max = v[i];
  }
  return { min, max };
}
