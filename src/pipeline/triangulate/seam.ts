/**
 * Pre-simplifies one grid column (a seam between tiles) on its own: the rows kept are those a 1D
 * greedy split (Douglas-Peucker with vertical distance) needs so that linear interpolation between
 * them stays within `maxError` of every sample of the column.
 *
 * Why this is enough for both metrics: along a column x is fixed, so on a cylinder the angle is
 * fixed too and interpolating two seam vertices moves only radially; the deviation is exactly
 * |lerp(h) - h|, the same as the height metric.
 */
export function simplifySeam(heights: Float32Array, width: number, height: number, column: number, maxError: number): number[] {
  const keep = new Uint8Array(height);
  keep[0] = 1;
  keep[height - 1] = 1;
  const stack = [0, height - 1];
  while (stack.length > 0) {
    const b = stack.pop()!;
    const a = stack.pop()!;
    const za = heights[a * width + column];
    const zb = heights[b * width + column];
    let worst = 0;
    let worstRow = -1;
    for (let y = a + 1; y < b; y++) {
      const error = Math.abs(za + ((zb - za) * (y - a)) / (b - a) - heights[y * width + column]);
      if (error > worst) {
        worst = error;
        worstRow = y;
      }
    }
    if (worst > maxError) {
      keep[worstRow] = 1;
      stack.push(a, worstRow, worstRow, b);
    }
  }
  const rows: number[] = [];
  for (let y = 0; y < height; y++) if (keep[y]) rows.push(y);
  return rows;
}
