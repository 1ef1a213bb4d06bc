/**
 * Z-buffered triangle rasteriser over typed arrays (the preview's hot loop).
 *
 * Method: per triangle, walk the pixel bounding box with incremental edge functions (half-space
 * test at pixel centres, inclusive edges so shared edges leave no cracks), and interpolate depth
 * and a light intensity as planes (two adds per pixel). Degenerate, NaN or off-screen triangles
 * fall out of the area and bounding-box tests. No allocation per triangle.
 * Measured: 40-75 ms for 1M triangles into 1600×1200 samples (800×600 at 2× supersampling); the
 * cost is per-triangle setup for small triangles, not pixels. Back-face culling saves little here.
 */
export interface RasterTarget {
  width: number;
  height: number;
  /** Nearest depth per sample, +Infinity where nothing was drawn. */
  depth: Float32Array;
  /** Interpolated intensity per sample where depth is finite. */
  shade: Float32Array;
}

export function createRasterTarget(width: number, height: number): RasterTarget {
  const depth = new Float32Array(width * height);
  depth.fill(Infinity);
  return { width, height, depth, shade: new Float32Array(width * height) };
}

/**
 * Draws triangles given screen-space vertices (x right, y down, depth; three numbers per vertex)
 * and one intensity per triangle corner (or 1 when `cornerShade` is null).
 * `cullBackFaces` drops triangles that are clockwise on screen (facing away for CCW meshes).
 */
export function rasterizeTriangles(
  target: RasterTarget,
  screen: Float32Array,
  indices: Uint32Array,
  cornerShade: Float32Array | null,
  cullBackFaces = false,
): void {
  const { width: W, height: H, depth, shade } = target;
  for (let t = 0; t < indices.length; t += 3) {
    const i0 = indices[t] * 3;
    let i1 = indices[t + 1] * 3;
    let i2 = indices[t + 2] * 3;
    const x0 = screen[i0],
      y0 = screen[i0 + 1];
    let x1 = screen[i1],
      y1 = screen[i1 + 1];
    let x2 = screen[i2],
      y2 = screen[i2 + 1];
    // Twice the signed area. y points down, so a triangle counter-clockwise as seen (a front face)
    // comes out negative here.
    let area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    // Degenerate, NaN (bad index or coordinate) and slivers under 1e-6 px² cover no sample centre
    // reliably, and their depth planes would be garbage.
    if (!(Math.abs(area) > 1e-6)) continue;
    const s0 = cornerShade ? cornerShade[t] : 1;
    let s1 = cornerShade ? cornerShade[t + 1] : 1;
    let s2 = cornerShade ? cornerShade[t + 2] : 1;
    if (area > 0) {
      if (cullBackFaces) continue;
      // A back face: swap two corners so the edge functions below are positive inside.
      let tmp = i1;
      i1 = i2;
      i2 = tmp;
      tmp = x1;
      x1 = x2;
      x2 = tmp;
      tmp = y1;
      y1 = y2;
      y2 = tmp;
      tmp = s1;
      s1 = s2;
      s2 = tmp;
    } else {
      area = -area;
    }
    const minX = Math.max(0, Math.ceil(Math.min(x0, x1, x2) - 0.5));
    const maxX = Math.min(W - 1, Math.floor(Math.max(x0, x1, x2) - 0.5));
    const minY = Math.max(0, Math.ceil(Math.min(y0, y1, y2) - 0.5));
    const maxY = Math.min(H - 1, Math.floor(Math.max(y0, y1, y2) - 0.5));
    if (minX > maxX || minY > maxY) continue;
    const z0 = screen[i0 + 2],
      z1 = screen[i1 + 2],
      z2 = screen[i2 + 2];

    // Edge functions w_k(p) = -orient(v_{k+1}, v_{k+2}, p): >= 0 inside, and w_k / area is the
    // barycentric weight of corner k.
    const a0 = y2 - y1,
      b0 = x1 - x2;
    const a1 = y0 - y2,
      b1 = x2 - x0;
    const a2 = y1 - y0,
      b2 = x0 - x1;
    const px = minX + 0.5,
      py = minY + 0.5;
    let w0Row = a0 * (px - x1) + b0 * (py - y1);
    let w1Row = a1 * (px - x2) + b1 * (py - y2);
    let w2Row = a2 * (px - x0) + b2 * (py - y0);
    const inv = 1 / area;
    const dzdx = (a0 * z0 + a1 * z1 + a2 * z2) * inv;
    const dzdy = (b0 * z0 + b1 * z1 + b2 * z2) * inv;
    const dsdx = (a0 * s0 + a1 * s1 + a2 * s2) * inv;
    const dsdy = (b0 * s0 + b1 * s1 + b2 * s2) * inv;
    let zRow = (w0Row * z0 + w1Row * z1 + w2Row * z2) * inv;
    let sRow = (w0Row * s0 + w1Row * s1 + w2Row * s2) * inv;

    for (let y = minY; y <= maxY; y++) {
      let w0 = w0Row,
        w1 = w1Row,
        w2 = w2Row,
        z = zRow,
        s = sRow;
      const row = y * W;
      for (let x = minX; x <= maxX; x++) {
        if (w0 >= 0 && w1 >= 0 && w2 >= 0) {
          const idx = row + x;
          if (z < depth[idx]) {
            depth[idx] = z;
            shade[idx] = s;
          }
        }
        w0 += a0;
        w1 += a1;
        w2 += a2;
        z += dzdx;
        s += dsdx;
      }
      w0Row += b0;
      w1Row += b1;
      w2Row += b2;
      zRow += dzdy;
      sRow += dsdy;
    }
  }
}
