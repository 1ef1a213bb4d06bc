/**
 * The live backlit view of a lithophane: light through the plate falls off as exp(-k_c * t) per
 * channel (Beer-Lambert), drawn to a 2D canvas in a warm lamp colour. With a filament from GET
 * /api/v1/modes, k follows its colour and TD as the pipeline's backlit.png does
 * (src/pipeline/preview/filament-backlit.ts: k_c = ln 10 / TD · a_c / mean a, a_c = -ln of the
 * colour's linear channel), so a red filament glows red; without one, the catalogue's white-PLA k.
 * Same thickness mapping as the 3D preview; no three.js needed.
 */
import { tone } from './picture.ts';
import type { Picture } from './picture.ts';

const LAMP: [number, number, number] = [255, 214, 160];

export interface BacklitFilament {
  hex: string;
  tdMm: number;
}

/** Per-channel attenuation per mm: the filament's, or `fallback` on every channel. */
export function channelAttenuation(filament: BacklitFilament | undefined, fallback: number): [number, number, number] {
  if (!filament) return [fallback, fallback, fallback];
  const v = Number.parseInt(filament.hex.slice(1), 16);
  const absorb = [16, 8, 0].map((shift) => {
    const s = ((v >> shift) & 255) / 255;
    const linear = s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    return -Math.log(Math.min(0.99, Math.max(0.005, linear)));
  });
  const mean = (absorb[0] + absorb[1] + absorb[2]) / 3;
  const k = Math.LN10 / filament.tdMm;
  return [(k * absorb[0]) / mean, (k * absorb[1]) / mean, (k * absorb[2]) / mean];
}

export function drawBacklit(
  canvas: HTMLCanvasElement,
  picture: Picture,
  p: { invert: boolean; autoLevel: boolean; gamma: number; minThicknessMm: number; maxThicknessMm: number },
  attenuationPerMm: number,
  filament?: BacklitFilament,
): void {
  canvas.width = picture.width;
  canvas.height = picture.height;
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(picture.width, picture.height);
  const v = tone(picture, p);
  const k = channelAttenuation(filament, attenuationPerMm);
  for (let i = 0; i < v.length; i++) {
    const b = p.invert ? 1 - v[i] : v[i];
    // Light relative to the thinnest part, which shows the lamp nearly unfiltered.
    const extra = (1 - b) * (p.maxThicknessMm - p.minThicknessMm);
    for (let c = 0; c < 3; c++) {
      // Perceptual-ish curve so mid-tones are visible, as the eye sees a lit lithophane.
      image.data[i * 4 + c] = LAMP[c] * Math.exp(-k[c] * extra) ** (1 / 2.2);
    }
    image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}
