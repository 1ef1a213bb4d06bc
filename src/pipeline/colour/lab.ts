/**
 * sRGB <-> linear light <-> CIE XYZ (D65) <-> CIELAB, the conversions the colour modes need to
 * mix light (in linear RGB) and to judge colour differences (in Lab, with CIEDE2000).
 * Matrices and white point from IEC 61966-2-1 (sRGB) and CIE 15:2004.
 */

export type Triple = [number, number, number];

/** One sRGB channel (0..1, gamma-encoded) to linear light. */
export function srgbChannelToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

export function linearChannelToSrgb(v: number): number {
  const c = Math.min(Math.max(v, 0), 1);
  return c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055;
}

const WHITE_X = 0.95047;
const WHITE_Y = 1;
const WHITE_Z = 1.08883;

/** Linear RGB (0..1) to CIELAB under D65. */
export function linearRgbToLab(r: number, g: number, b: number, out: Triple = [0, 0, 0]): Triple {
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / WHITE_X;
  const y = (0.2126729 * r + 0.7151522 * g + 0.072175 * b) / WHITE_Y;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / WHITE_Z;
  const fx = labF(x);
  const fy = labF(y);
  const fz = labF(z);
  out[0] = 116 * fy - 16;
  out[1] = 500 * (fx - fy);
  out[2] = 200 * (fy - fz);
  return out;
}

/** sRGB (0..1 per channel, gamma-encoded) to CIELAB. */
export function srgbToLab(r: number, g: number, b: number, out: Triple = [0, 0, 0]): Triple {
  return linearRgbToLab(srgbChannelToLinear(r), srgbChannelToLinear(g), srgbChannelToLinear(b), out);
}

/** Relative luminance Y of a linear RGB colour. */
export function luminance(rgb: readonly number[]): number {
  return 0.2126729 * rgb[0] + 0.7151522 * rgb[1] + 0.072175 * rgb[2];
}

function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116;
}
