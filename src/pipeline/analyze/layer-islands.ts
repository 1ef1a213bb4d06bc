/**
 * Counts what a slicer will meet in each layer of a height field: the connected components of
 * {h > z} (islands, 8-connected) and of {h <= z} (holes, 4-connected) at each layer plane z, and how
 * many are smaller than `minArea` samples. Plain flood fill per level, sharing no code with the area
 * filter it checks (heightmap-ops/area-filter.ts), so a test of one by the other can fail.
 */

export interface LayerIslands {
  /** Layer planes checked, mm. */
  levels: number;
  islands: number;
  smallIslands: number;
  holes: number;
  smallHoles: number;
}

/** Planes at the middle of each layer (where PrusaSlicer cuts), from the first layer up to the top. */
export function layerPlanes(maxZ: number, layerHeightMm: number): number[] {
  const planes: number[] = [];
  for (let z = layerHeightMm / 2; z < maxZ; z += layerHeightMm) planes.push(z);
  return planes;
}

export function countLayerIslands(values: Float32Array, width: number, height: number, planes: number[], minArea: number): LayerIslands {
  const out: LayerIslands = { levels: planes.length, islands: 0, smallIslands: 0, holes: 0, smallHoles: 0 };
  const label = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  for (const z of planes) {
    for (const solid of [true, false]) {
      label.fill(0);
      const inside = (i: number) => values[i] > z === solid;
      const diagonal = solid;
      for (let start = 0; start < values.length; start++) {
        if (label[start] !== 0 || !inside(start)) continue;
        let top = 0;
        let size = 0;
        stack[top++] = start;
        label[start] = 1;
        while (top > 0) {
          const p = stack[--top];
          size++;
          const px = p % width;
          const py = (p - px) / width;
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              if ((dx === 0 && dy === 0) || (!diagonal && dx !== 0 && dy !== 0)) continue;
              const qx = px + dx;
              const qy = py + dy;
              if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
              const q = qy * width + qx;
              if (label[q] === 0 && inside(q)) {
                label[q] = 1;
                stack[top++] = q;
              }
            }
          }
        }
        if (solid) {
          out.islands++;
          if (size < minArea) out.smallIslands++;
        } else {
          out.holes++;
          if (size < minArea) out.smallHoles++;
        }
      }
    }
  }
  return out;
}

/**
 * Length of all layer outlines, in grid edges: how many 4-neighbour sample pairs lie on opposite sides
 * of each plane, summed over the planes. By the coarea formula this is the field's total variation per
 * layer height; it is what a slicer's perimeter generator walks (its time follows it, more than the
 * count of islands: bench/results/printable.json).
 */
export function countLayerCrossings(values: Float32Array, width: number, height: number, planes: number[]): number {
  let crossings = 0;
  const sorted = [...planes].sort((a, b) => a - b);
  // Planes strictly between a and b, by binary search on the sorted planes.
  const below = (v: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const here = below(values[i]);
      if (x + 1 < width) crossings += Math.abs(here - below(values[i + 1]));
      if (y + 1 < height) crossings += Math.abs(here - below(values[i + width]));
    }
  }
  return crossings;
}
