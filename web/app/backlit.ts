/**
 * The live backlit view of a lithophane: light through the plate falls off as exp(-a * t)
 * (Beer-Lambert, with the material's a the pipeline's backlit.png uses, from GET /api/v1/modes),
 * drawn to a 2D canvas in a warm lamp colour. Same thickness mapping as the 3D preview; no three.js needed.
 */
import { tone } from './picture.ts';
import type { Picture } from './picture.ts';

const LAMP: [number, number, number] = [255, 214, 160];

export function drawBacklit(
  canvas: HTMLCanvasElement,
  picture: Picture,
  p: { invert: boolean; autoLevel: boolean; gamma: number; minThicknessMm: number; maxThicknessMm: number },
  attenuationPerMm: number,
): void {
  canvas.width = picture.width;
  canvas.height = picture.height;
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(picture.width, picture.height);
  const v = tone(picture, p);
  const brightest = Math.exp(-attenuationPerMm * p.minThicknessMm);
  for (let i = 0; i < v.length; i++) {
    const b = p.invert ? 1 - v[i] : v[i];
    const t = p.minThicknessMm + (1 - b) * (p.maxThicknessMm - p.minThicknessMm);
    const light = Math.exp(-attenuationPerMm * t) / brightest;
    // Perceptual-ish curve so mid-tones are visible, as the eye sees a lit lithophane.
    const shade = light ** (1 / 2.2);
    image.data[i * 4] = LAMP[0] * shade;
    image.data[i * 4 + 1] = LAMP[1] * shade;
    image.data[i * 4 + 2] = LAMP[2] * shade;
    image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}
