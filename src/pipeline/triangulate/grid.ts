/**
 * The full-grid baseline every adaptive result is compared against: every sample is a vertex,
 * every grid cell two triangles, so the error is 0 by construction. Triangles have the same
 * orientation as `triangulateGreedy`: positive signed area (counter-clockwise with y up).
 */
import type { SurfaceTriangulation } from './types.ts';

export function triangulateGrid(heights: Float32Array, width: number, height: number): SurfaceTriangulation {
  if (heights.length !== width * height) {
    throw new Error(`triangulateGrid: expected ${width * height} heights, got ${heights.length}`);
  }
  const points = new Uint32Array(2 * width * height);
  for (let y = 0, k = 0; y < height; y++) {
    for (let x = 0; x < width; x++, k += 2) {
      points[k] = x;
      points[k + 1] = y;
    }
  }
  const cells = Math.max(0, width - 1) * Math.max(0, height - 1);
  const triangles = new Uint32Array(6 * cells);
  let k = 0;
  for (let y = 0; y + 1 < height; y++) {
    for (let x = 0; x + 1 < width; x++) {
      const i = y * width + x; // cell corners i (x, y), i + 1, i + width, i + width + 1
      triangles[k++] = i;
      triangles[k++] = i + 1;
      triangles[k++] = i + width + 1;
      triangles[k++] = i;
      triangles[k++] = i + width + 1;
      triangles[k++] = i + width;
    }
  }
  return { points, triangles, maxError: 0 };
}
