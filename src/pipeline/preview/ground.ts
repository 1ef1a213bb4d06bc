/**
 * The bed under the model: a soft contact shadow and a faint millimetre grid, both drawn only
 * where the background shows. Cheap by construction: the model's footprint is rasterised top-down
 * into a small grid (128 cells on the long side), box-blurred three times (≈ Gaussian), and each
 * background sample maps to the bed plane by an affine map (the camera is orthographic).
 */
import type { FrameFit, OrbitCamera } from './camera.ts';
import { createRasterTarget, rasterizeTriangles } from './rasterize.ts';

export interface GroundShadow {
  /** Bed coordinates (mm) of cell (0, 0)'s corner, and the cell size in mm. */
  originX: number;
  originY: number;
  cell: number;
  cols: number;
  rows: number;
  /** Blurred footprint coverage in 0..1, row-major. */
  coverage: Float32Array;
}

/** Affine map from sample coordinates (x right, y down) to bed coordinates at height zGround. */
export interface BedMapping {
  x0: number;
  xPerSx: number;
  xPerSy: number;
  y0: number;
  yPerSx: number;
  yPerSy: number;
}

export function footprintShadow(
  positions: Float32Array,
  indices: Uint32Array,
  bounds: { minX: number; minY: number; maxX: number; maxY: number },
  blurMm: number,
  resolution = 128,
): GroundShadow {
  const pad = blurMm * 2.5;
  const originX = bounds.minX - pad,
    originY = bounds.minY - pad;
  const spanX = bounds.maxX - bounds.minX + 2 * pad,
    spanY = bounds.maxY - bounds.minY + 2 * pad;
  const cell = Math.max(spanX, spanY) / resolution;
  const cols = Math.max(1, Math.ceil(spanX / cell)),
    rows = Math.max(1, Math.ceil(spanY / cell));
  const topDown = new Float32Array(positions.length);
  for (let i = 0; i < positions.length; i += 3) {
    topDown[i] = (positions[i] - originX) / cell;
    topDown[i + 1] = (positions[i + 1] - originY) / cell;
    topDown[i + 2] = 0;
  }
  const target = createRasterTarget(cols, rows);
  rasterizeTriangles(target, topDown, indices, null, false);
  const coverage = new Float32Array(cols * rows);
  for (let i = 0; i < coverage.length; i++) coverage[i] = target.depth[i] < Infinity ? 1 : 0;
  const radius = Math.max(1, Math.round(blurMm / cell / 1.7));
  const scratch = new Float32Array(coverage.length);
  for (let pass = 0; pass < 3; pass++) {
    boxBlurLines(coverage, scratch, rows, cols, radius, 1, cols);
    boxBlurLines(scratch, coverage, cols, rows, radius, cols, 1);
  }
  return { originX, originY, cell, cols, rows, coverage };
}

/** Running-sum box blur of radius r along lines, zero outside; `step` walks a line, `lineStep` between lines. */
function boxBlurLines(
  src: Float32Array,
  dst: Float32Array,
  lineCount: number,
  lineLength: number,
  r: number,
  step: number,
  lineStep: number,
): void {
  const norm = 1 / (2 * r + 1);
  for (let l = 0; l < lineCount; l++) {
    const base = l * lineStep;
    let sum = 0;
    for (let k = 0; k <= Math.min(r, lineLength - 1); k++) sum += src[base + k * step];
    for (let i = 0; i < lineLength; i++) {
      dst[base + i * step] = sum * norm;
      const leaving = i - r,
        entering = i + r + 1;
      if (leaving >= 0) sum -= src[base + leaving * step];
      if (entering < lineLength) sum += src[base + entering * step];
    }
  }
}

/** Bilinear lookup of the blurred footprint at bed point (x, y); 0 outside the grid. */
export function sampleShadow(s: GroundShadow, x: number, y: number): number {
  const fx = (x - s.originX) / s.cell - 0.5,
    fy = (y - s.originY) / s.cell - 0.5;
  const ix = Math.floor(fx),
    iy = Math.floor(fy);
  // The footprint grid has a blank border (2.5 blur radii), so skipping the edge cells is exact.
  if (ix < 0 || iy < 0 || ix >= s.cols - 1 || iy >= s.rows - 1) return 0;
  const tx = fx - ix,
    ty = fy - iy;
  const c = s.coverage,
    i = iy * s.cols + ix;
  const top = c[i] + (c[i + 1] - c[i]) * tx;
  const bottom = c[i + s.cols] + (c[i + s.cols + 1] - c[i + s.cols]) * tx;
  return top + (bottom - top) * ty;
}

/**
 * Where each sample's view ray meets the plane z = zGround. Undefined when the camera looks
 * (nearly) level, where the bed would be seen edge-on.
 */
export function bedMapping(cam: OrbitCamera, fit: FrameFit, zGround: number): BedMapping | undefined {
  const [fx, fy, fz] = cam.forward;
  if (fz > -0.05) return undefined;
  const [tx, ty, tz] = cam.target;
  // bed = c + r*vx + (u - f*u.z/f.z)*vy with c = target + f*(zGround - tz)/f.z
  const k = (zGround - tz) / fz;
  const cx = tx + fx * k,
    cy = ty + fy * k;
  const vyX = cam.up[0] - (fx * cam.up[2]) / fz,
    vyY = cam.up[1] - (fy * cam.up[2]) / fz;
  // vx = centerX + (sx - W/2)/scale, vy = centerY - (sy - H/2)/scale
  const inv = 1 / fit.scale;
  const vx0 = fit.centerX - (fit.width / 2) * inv,
    vy0 = fit.centerY + (fit.height / 2) * inv;
  return {
    x0: cx + cam.right[0] * vx0 + vyX * vy0,
    xPerSx: cam.right[0] * inv,
    xPerSy: -vyX * inv,
    y0: cy + cam.right[1] * vx0 + vyY * vy0,
    yPerSx: cam.right[1] * inv,
    yPerSy: -vyY * inv,
  };
}
