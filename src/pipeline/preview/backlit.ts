/**
 * renderBacklit: what a lithophane looks like held against a lamp.
 *
 * Method: Beer–Lambert transmission through the printed thickness, I = I0 · exp(-k · t), per colour
 * channel (white PLA's TiO2 pigment scatters blue a little more than red, so thick parts look warm),
 * computed in linear light, averaged down (box when shrinking ≥ 2×, then bilinear) because the eye
 * averages light, not thickness, and written as sRGB.
 * The attenuation k: HueForge-style tools model filament as T = 10^(-d/TD) (FilaScope's TD simulator
 * states exactly this), i.e. k = ln 10 / TD. White PLAs are the translucent end of that scale, TD of
 * a few mm; lithophane makers' rule of thumb that ~3 mm of white PLA is "dark" in front of a lamp
 * (T ≈ 5-10%) gives k = ln(10..20)/3 ≈ 0.8-1.0 per mm. We use 0.9 /mm (TD ≈ 2.6 mm); it is an option
 * because filaments differ by brand and colour, and Hamp, Logan & Shaw, "Optical transmittance of 3D
 * printing materials", Appl. Opt. 60 (2021) 6573, found multiple scattering bends real curves away
 * from a pure exponential.
 * Normalisation: 'range' (default) maps the thinnest part to `whiteLevel` and the thickest to
 * `blackLevel` in linear light, so the preview always uses the full tonal range; 'exposure' only
 * scales so the thinnest part is near white, which is the physically honest picture (a lithophane
 * with too little thickness range looks washed out, and so does its preview).
 */
import type { Heightmap } from '../heightmap.ts';
import { createImage } from './image.ts';
import type { Rgb, RgbaImage } from './image.ts';

export interface BacklitOptions {
  /** Longest side of the output in pixels; smaller inputs keep their size. */
  maxSize: number;
  /** Beer–Lambert attenuation coefficient of the material, per mm. */
  attenuationPerMm: number;
  /** Relative attenuation per channel (r, g, b), multiplying attenuationPerMm. */
  channelAttenuation: readonly [number, number, number];
  /** The lamp's colour (a warm white LED by default). */
  lightColor: Rgb;
  /** Colour outside the mask. */
  backgroundColor: Rgb;
  normalize: 'range' | 'exposure';
  /** Linear-light level of the thinnest part (and, for 'range', of the thickest). */
  whiteLevel: number;
  blackLevel: number;
  /** 1 where the lithophane exists; defaults to the heightmap's own mask. */
  mask?: Uint8Array;
}

export const BACKLIT_DEFAULTS: BacklitOptions = {
  maxSize: 800,
  attenuationPerMm: 0.9,
  channelAttenuation: [0.94, 1, 1.1],
  lightColor: [255, 226, 186],
  backgroundColor: [38, 38, 42],
  normalize: 'range',
  whiteLevel: 0.92,
  blackLevel: 0.025,
};

export function renderBacklit(thicknessMm: Heightmap, options: Partial<BacklitOptions> = {}): RgbaImage {
  const opts: BacklitOptions = { ...BACKLIT_DEFAULTS, ...options };
  const { width, height, values } = thicknessMm;
  const mask = opts.mask ?? thicknessMm.mask;
  if (width < 1 || height < 1) return createImage(1, 1, opts.backgroundColor);

  const { min, max } = maskedRange(values, mask);
  const scale = Math.min(1, Math.max(1, opts.maxSize) / Math.max(width, height));
  const outW = Math.max(1, Math.round(width * scale));
  const outH = Math.max(1, Math.round(height * scale));
  if (!(max >= min)) return createImage(outW, outH, opts.backgroundColor);

  // Linear light per channel, premultiplied by coverage, so masked-out cells never bleed in.
  const n = width * height;
  const light = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const cover = new Float32Array(n);
  const k = [0, 1, 2].map((c) => opts.attenuationPerMm * opts.channelAttenuation[c]);
  // exp() through a lookup table over the thickness span (linear interpolation between 4096
  // entries is exact to ~1e-8 here): three exp() per cell cost ~3× more at 1200×900.
  const lut = transmissionTables(k, max - min, 4096);
  const perStep = (lut.size - 1) / Math.max(max - min, 1e-9);
  for (let i = 0; i < n; i++) {
    const t = values[i];
    if ((mask && mask[i] === 0) || !Number.isFinite(t)) continue;
    cover[i] = 1;
    // Relative to the thinnest part keeps the numbers in range whatever the base thickness.
    const f = (t - min) * perStep;
    const j = Math.min(lut.size - 2, Math.floor(f));
    const frac = f - j;
    for (let c = 0; c < 3; c++) {
      const table = lut.channels[c];
      light[c][i] = table[j] + (table[j + 1] - table[j]) * frac;
    }
  }

  let grid: Grid = { width, height, channels: [...light, cover] };
  const shrink = Math.floor(1 / scale);
  if (shrink >= 2) grid = boxReduce(grid, shrink);

  // Map transmitted light to display light. Thinnest = 1 before normalisation; green sets the scale.
  const thickest = Math.exp(-k[1] * (max - min));
  const span = 1 - thickest;
  const toDisplay = (v: number): number => {
    if (opts.normalize === 'exposure' || span <= 1e-9) return v * opts.whiteLevel;
    return opts.blackLevel + ((v - thickest) / span) * (opts.whiteLevel - opts.blackLevel);
  };

  const image = createImage(outW, outH, opts.backgroundColor);
  const out = image.data;
  const sx = grid.width / outW,
    sy = grid.height / outH;
  const sample = new Float32Array(4);
  const bg = opts.backgroundColor;
  const lamp = opts.lightColor.map((v) => srgbToLinear(v / 255));
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      bilinear(grid, (ox + 0.5) * sx - 0.5, (oy + 0.5) * sy - 0.5, sample);
      const coverage = sample[3];
      if (coverage <= 0) continue;
      const o = (oy * outW + ox) * 4;
      const alpha = Math.min(1, coverage);
      for (let c = 0; c < 3; c++) {
        const linear = Math.max(0, toDisplay(sample[c] / coverage)) * lamp[c];
        const lit = 255 * linearToSrgb(linear);
        out[o + c] = Math.round(bg[c] + (lit - bg[c]) * alpha);
      }
    }
  }
  return image;
}

/** exp(-k_c · d) for d from 0 to span in `size` steps, one table per channel. */
function transmissionTables(k: number[], span: number, size: number): { size: number; channels: Float64Array[] } {
  const channels = k.map((kc) => {
    const table = new Float64Array(size);
    for (let j = 0; j < size; j++) table[j] = Math.exp((-kc * span * j) / (size - 1));
    return table;
  });
  return { size, channels };
}

function maskedRange(values: Float32Array, mask: Uint8Array | undefined): { min: number; max: number } {
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

interface Grid {
  width: number;
  height: number;
  channels: Float32Array[];
}

/** Averages f×f blocks (the last partial block averages what it has). */
function boxReduce(grid: Grid, f: number): Grid {
  const w = Math.ceil(grid.width / f),
    h = Math.ceil(grid.height / f);
  const channels = grid.channels.map((src) => {
    const dst = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      const y1 = Math.min(grid.height, (y + 1) * f);
      for (let x = 0; x < w; x++) {
        const x1 = Math.min(grid.width, (x + 1) * f);
        let sum = 0;
        for (let yy = y * f; yy < y1; yy++) for (let xx = x * f; xx < x1; xx++) sum += src[yy * grid.width + xx];
        dst[y * w + x] = sum / ((y1 - y * f) * (x1 - x * f));
      }
    }
    return dst;
  });
  return { width: w, height: h, channels };
}

/** Bilinear sample of every channel at (x, y) in cell-centre coordinates, clamped at the edges. */
function bilinear(grid: Grid, x: number, y: number, out: Float32Array): void {
  const cx = Math.max(0, Math.min(grid.width - 1, x)),
    cy = Math.max(0, Math.min(grid.height - 1, y));
  const x0 = Math.floor(cx),
    y0 = Math.floor(cy);
  const x1 = Math.min(grid.width - 1, x0 + 1),
    y1 = Math.min(grid.height - 1, y0 + 1);
  const tx = cx - x0,
    ty = cy - y0;
  const i00 = y0 * grid.width + x0,
    i10 = y0 * grid.width + x1,
    i01 = y1 * grid.width + x0,
    i11 = y1 * grid.width + x1;
  for (let c = 0; c < grid.channels.length; c++) {
    const ch = grid.channels[c];
    const top = ch[i00] + (ch[i10] - ch[i00]) * tx;
    const bottom = ch[i01] + (ch[i11] - ch[i01]) * tx;
    out[c] = top + (bottom - top) * ty;
  }
}

function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

let srgbTable: Float64Array | undefined;

/** Linear light (0..1, clamped) to sRGB through a 4096-entry table: pow() per channel per pixel was the hot spot. */
function linearToSrgb(v: number): number {
  if (!srgbTable) {
    srgbTable = new Float64Array(4097);
    for (let j = 0; j <= 4096; j++) {
      const x = j / 4096;
      srgbTable[j] = x <= 0.0031308 ? x * 12.92 : 1.055 * x ** (1 / 2.4) - 0.055;
    }
  }
  const f = Math.max(0, Math.min(1, v)) * 4096;
  const j = Math.min(4095, Math.floor(f));
  return srgbTable[j] + (srgbTable[j + 1] - srgbTable[j]) * (f - j);
}
