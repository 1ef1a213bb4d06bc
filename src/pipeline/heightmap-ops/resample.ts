/**
 * Resample a heightmap to a new grid. Shrinking averages every source pixel that overlaps a
 * target pixel (a box filter with fractional weights), so photos lose noise instead of aliasing;
 * enlarging interpolates bilinearly. The mask follows the same weights and is re-thresholded.
 */
import type { Heightmap } from '../heightmap.ts';

export interface ResampleOptions {
  width: number;
  height: number;
}

export function resample(map: Heightmap, options: ResampleOptions): Heightmap {
  const { width, height } = options;
  if (width === map.width && height === map.height) return map;
  const horizontal = resampleAxis(map.values, map.width, map.height, width, true);
  const values = resampleAxis(horizontal, width, map.height, height, false);
  if (!map.mask) return { width, height, values };
  const maskValues = Float32Array.from(map.mask);
  const maskH = resampleAxis(maskValues, map.width, map.height, width, true);
  const maskV = resampleAxis(maskH, width, map.height, height, false);
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = maskV[i] >= 0.5 ? 1 : 0;
  return { width, height, values, mask };
}

/** One separable pass along x (`alongX`) or y. */
function resampleAxis(src: Float32Array, w: number, h: number, target: number, alongX: boolean): Float32Array {
  const srcLen = alongX ? w : h;
  const lines = alongX ? h : w;
  const out = new Float32Array(alongX ? target * h : w * target);
  const weights = axisWeights(srcLen, target);
  const srcStride = alongX ? 1 : w;
  const lineStride = alongX ? w : 1;
  const outStride = alongX ? 1 : w;
  const outLineStride = alongX ? target : 1;
  for (let line = 0; line < lines; line++) {
    const srcBase = line * lineStride;
    const outBase = line * outLineStride;
    for (let t = 0; t < target; t++) {
      const start = weights.start[t];
      const count = weights.count[t];
      const offset = weights.offset[t];
      let sum = 0;
      for (let k = 0; k < count; k++) sum += src[srcBase + (start + k) * srcStride] * weights.weight[offset + k];
      out[outBase + t * outStride] = sum;
    }
  }
  return out;
}

interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  offset: Int32Array;
  weight: Float32Array;
}

function axisWeights(srcLen: number, target: number): AxisWeights {
  const start = new Int32Array(target);
  const count = new Int32Array(target);
  const offset = new Int32Array(target);
  const weight: number[] = [];
  const scale = srcLen / target;
  for (let t = 0; t < target; t++) {
    offset[t] = weight.length;
    if (scale >= 1) {
      // Box filter over [t*scale, (t+1)*scale).
      const a = t * scale;
      const b = Math.min(srcLen, (t + 1) * scale);
      const first = Math.floor(a);
      const last = Math.min(srcLen - 1, Math.ceil(b) - 1);
      start[t] = first;
      count[t] = last - first + 1;
      for (let s = first; s <= last; s++) weight.push((Math.min(b, s + 1) - Math.max(a, s)) / (b - a));
    } else {
      // Bilinear between pixel centres.
      const centre = Math.min(srcLen - 1, Math.max(0, (t + 0.5) * scale - 0.5));
      const first = Math.min(srcLen - 2, Math.floor(centre));
      const frac = centre - Math.max(0, first);
      start[t] = Math.max(0, first);
      if (srcLen === 1) {
        count[t] = 1;
        weight.push(1);
      } else {
        count[t] = 2;
        weight.push(1 - frac, frac);
      }
    }
  }
  return { start, count, offset, weight: Float32Array.from(weight) };
}

/**
 * The grid size for a print: one sample per `pitchMm` of the longest side, never more samples than
 * the source has (no invented detail) unless `allowUpscale`, at least 2 per side.
 */
export function printGrid(
  source: { width: number; height: number },
  widthMm: number,
  pitchMm: number,
  allowUpscale = false,
): { width: number; height: number; pitchMm: number } {
  const aspect = source.height / source.width;
  let width = Math.max(2, Math.round(widthMm / pitchMm) + 1);
  if (!allowUpscale) width = Math.min(width, source.width);
  width = Math.max(2, width);
  const height = Math.max(2, Math.round((width - 1) * aspect) + 1);
  return { width, height, pitchMm: widthMm / (width - 1) };
}
