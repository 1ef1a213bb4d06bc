/**
 * Independent check of a triangulation: the largest deviation of any sample from the mesh, found
 * by rasterising every output triangle over its bounding box with exact integer edge functions and
 * plain barycentric interpolation (deliberately naive, sharing no code with the error scanners).
 * Samples no triangle covers make the result Infinity. Used by the tests and the benchmark so all
 * triangulators are measured the same way.
 */
import type { ErrorMetric, SurfaceTriangulation } from './types.ts';

export function measureMaxError(
  mesh: Pick<SurfaceTriangulation, 'points' | 'triangles'>,
  heights: Float32Array,
  width: number,
  height: number,
  metric: ErrorMetric = { kind: 'height' },
): number {
  const covered = new Uint8Array(width * height);
  const { points, triangles } = mesh;
  const cylinder = metric.kind === 'cylinder';
  const radius = cylinder ? metric.radius : 0;
  const step = cylinder ? metric.radiansPerSample : 0;
  // Height metric: value is z. Cylinder metric: the 3D point (X, Y) per vertex; the interpolated
  // point is compared with the sample's own surface point (see CylinderErrorScanner).
  const value = (x: number, y: number, k: number): number => {
    const z = heights[y * width + x];
    if (!cylinder) return z;
    const angle = x * step;
    return k === 0 ? (radius + z) * Math.cos(angle) : (radius + z) * Math.sin(angle);
  };

  let maxError = 0;
  for (let t = 0; t < triangles.length; t += 3) {
    const ia = 2 * triangles[t],
      ib = 2 * triangles[t + 1],
      ic = 2 * triangles[t + 2];
    const ax = points[ia],
      ay = points[ia + 1];
    const bx = points[ib],
      by = points[ib + 1];
    const cx = points[ic],
      cy = points[ic + 1];
    const area = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
    if (area === 0) return Infinity;
    const va = [value(ax, ay, 0), value(ax, ay, 1)];
    const vb = [value(bx, by, 0), value(bx, by, 1)];
    const vc = [value(cx, cy, 0), value(cx, cy, 1)];
    for (let y = Math.min(ay, by, cy); y <= Math.max(ay, by, cy); y++) {
      for (let x = Math.min(ax, bx, cx); x <= Math.max(ax, bx, cx); x++) {
        // Barycentric weights times the signed area; all share its sign inside the triangle.
        const wa = (bx - x) * (cy - y) - (cx - x) * (by - y);
        const wb = (cx - x) * (ay - y) - (ax - x) * (cy - y);
        const wc = (ax - x) * (by - y) - (bx - x) * (ay - y);
        const inside = area > 0 ? wa >= 0 && wb >= 0 && wc >= 0 : wa <= 0 && wb <= 0 && wc <= 0;
        if (!inside) continue;
        const i = y * width + x;
        covered[i] = 1;
        let error: number;
        if (!cylinder) {
          error = Math.abs((wa * va[0] + wb * vb[0] + wc * vc[0]) / area - heights[i]);
        } else {
          const X = (wa * va[0] + wb * vb[0] + wc * vc[0]) / area;
          const Y = (wa * va[1] + wb * vb[1] + wc * vc[1]) / area;
          const angle = x * step;
          error = Math.hypot(X - (radius + heights[i]) * Math.cos(angle), Y - (radius + heights[i]) * Math.sin(angle));
        }
        if (error > maxError) maxError = error;
      }
    }
  }
  for (let i = 0; i < covered.length; i++) if (covered[i] === 0) return Infinity;
  return maxError;
}
