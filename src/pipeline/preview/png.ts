/**
 * encodePng: a small, correct PNG writer (ISO/IEC 15948) for preview images.
 *
 * Method: signature, IHDR, one IDAT (zlib via fflate's zlibSync), IEND; 8 bits per channel.
 * Fully opaque images are written as RGB (colour type 2), others as RGBA (type 6).
 * Each row gets the filter with the smallest sum of |signed bytes| out of the five PNG filters
 * (the "minimum sum of absolute differences" heuristic the PNG spec recommends, §12.8).
 * Measured (800×600, zlib level 6, this machine under load): on a photo-like backlit preview,
 * adaptive gives 301 KB in ~200 ms vs 357 KB in ~90 ms with no filter; on a renderPreview image
 * (flat shading, smooth gradients) no filter wins, 126 KB in ~50 ms vs 150 KB in ~190 ms, because
 * unfiltered rows repeat exactly and deflate finds them. So 'adaptive' is the safe default for
 * unknown pictures, and callers encoding renders can pass { filter: 'none' } for 4× speed.
 */
import { zlibSync } from 'fflate';
import { PipelineError } from '../errors.ts';
import { crc32 } from './crc32.ts';
import type { RgbaImage } from './image.ts';

export type { RgbaImage } from './image.ts';

export type PngFilter = 'adaptive' | 'none' | 'sub' | 'up' | 'average' | 'paeth';

export interface PngOptions {
  /** zlib level 0..9. */
  level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  /** Row filter; 'adaptive' picks per row. */
  filter: PngFilter;
  /** Write colour type 2 (RGB) when every alpha is 255: 25% less raw data. */
  dropOpaqueAlpha: boolean;
}

export const PNG_DEFAULTS: PngOptions = { level: 6, filter: 'adaptive', dropOpaqueAlpha: true };

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const FILTER_CODES: Record<Exclude<PngFilter, 'adaptive'>, number> = { none: 0, sub: 1, up: 2, average: 3, paeth: 4 };

export function encodePng(image: RgbaImage, options: Partial<PngOptions> = {}): Uint8Array {
  const opts = { ...PNG_DEFAULTS, ...options };
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new PipelineError('invalid_parameters', `encodePng: image size ${width}x${height} is not a positive integer size`, 'preview');
  }
  if (data.length !== width * height * 4) {
    throw new PipelineError('invalid_parameters', `encodePng: expected ${width * height * 4} RGBA bytes, got ${data.length}`, 'preview');
  }

  const rgb = opts.dropOpaqueAlpha && isOpaque(data);
  const channels = rgb ? 3 : 4;
  const pixels = rgb ? stripAlpha(data) : data;
  const filtered = filterRows(pixels, width, height, channels, opts.filter);
  const idat = zlibSync(filtered, { level: opts.level });

  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = rgb ? 2 : 6; // colour type
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering (method 0)
  ihdr[12] = 0; // no interlace

  const chunks: Array<[string, Uint8Array]> = [
    ['IHDR', ihdr],
    ['IDAT', idat],
    ['IEND', new Uint8Array(0)],
  ];
  let size = SIGNATURE.length;
  for (const [, body] of chunks) size += 12 + body.length;
  const out = new Uint8Array(size);
  out.set(SIGNATURE, 0);
  let at = SIGNATURE.length;
  for (const [type, body] of chunks) at = writeChunk(out, at, type, body);
  return out;
}

/** length, type, body, CRC over type + body. */
function writeChunk(out: Uint8Array, at: number, type: string, body: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(at, body.length);
  const typeStart = at + 4;
  for (let i = 0; i < 4; i++) out[typeStart + i] = type.charCodeAt(i);
  out.set(body, typeStart + 4);
  const end = typeStart + 4 + body.length;
  view.setUint32(end, crc32(out, typeStart, end));
  return end + 4;
}

function isOpaque(data: Uint8Array): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}

function stripAlpha(data: Uint8Array): Uint8Array {
  const out = new Uint8Array((data.length / 4) * 3);
  for (let i = 0, o = 0; i < data.length; i += 4, o += 3) {
    out[o] = data[i];
    out[o + 1] = data[i + 1];
    out[o + 2] = data[i + 2];
  }
  return out;
}

/** Returns height rows of [filter byte, filtered bytes...]. */
function filterRows(pixels: Uint8Array, width: number, height: number, bpp: number, filter: PngFilter): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const zeroRow = new Uint8Array(stride);
  // One scratch row per filter so the adaptive choice costs no allocation per row.
  const scratch = [0, 1, 2, 3, 4].map(() => new Uint8Array(stride));
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : zeroRow;
    const dst = y * (stride + 1);
    if (filter !== 'adaptive') {
      const code = FILTER_CODES[filter];
      out[dst] = code;
      applyFilter(code, row, prev, bpp, out.subarray(dst + 1, dst + 1 + stride));
      continue;
    }
    let best = 0;
    let bestCost = Infinity;
    for (let code = 0; code < 5; code++) {
      const cost = applyFilter(code, row, prev, bpp, scratch[code]);
      if (cost < bestCost) {
        bestCost = cost;
        best = code;
      }
    }
    out[dst] = best;
    out.set(scratch[best], dst + 1);
  }
  return out;
}

/**
 * Writes the filtered row into `dst` and returns its cost: the sum of bytes read as signed.
 * One loop per filter (no switch per byte): three times faster than a generic loop.
 */
function applyFilter(code: number, row: Uint8Array, prev: Uint8Array, bpp: number, dst: Uint8Array): number {
  const n = row.length;
  let cost = 0;
  let v = 0;
  switch (code) {
    case 0:
      for (let i = 0; i < n; i++) {
        v = row[i];
        dst[i] = v;
        cost += v < 128 ? v : 256 - v;
      }
      return cost;
    case 1:
      for (let i = 0; i < n; i++) {
        v = (row[i] - (i >= bpp ? row[i - bpp] : 0)) & 0xff;
        dst[i] = v;
        cost += v < 128 ? v : 256 - v;
      }
      return cost;
    case 2:
      for (let i = 0; i < n; i++) {
        v = (row[i] - prev[i]) & 0xff;
        dst[i] = v;
        cost += v < 128 ? v : 256 - v;
      }
      return cost;
    case 3:
      for (let i = 0; i < n; i++) {
        v = (row[i] - (((i >= bpp ? row[i - bpp] : 0) + prev[i]) >>> 1)) & 0xff;
        dst[i] = v;
        cost += v < 128 ? v : 256 - v;
      }
      return cost;
    default:
      for (let i = 0; i < n; i++) {
        const left = i >= bpp ? row[i - bpp] : 0;
        const upLeft = i >= bpp ? prev[i - bpp] : 0;
        v = (row[i] - paeth(left, prev[i], upLeft)) & 0xff;
        dst[i] = v;
        cost += v < 128 ? v : 256 - v;
      }
      return cost;
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
