/**
 * The swap sheet as a picture to print or keep on a phone: one row per band in printing order
 * (first filament at the top), a swatch of its colour, then its layers "from-to" and the height
 * where it ends, in mm, written with a 3x5 pixel font scaled up (the pipeline has no text
 * renderer, and digits, '-', '.', 'L' and 'Z' are all a sheet needs).
 */
import type { RgbaImage } from '../preview/image.ts';
import { createImage } from '../preview/image.ts';
import { hexToSrgb } from './filaments.ts';
import type { SwapSheet } from './swap-sheet.ts';

const GLYPHS: Record<string, string> = {
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '111001111100111',
  '3': '111001111001111',
  '4': '101101111001001',
  '5': '111100111001111',
  '6': '111100111101111',
  '7': '111001001001001',
  '8': '111101111101111',
  '9': '111101111001111',
  '-': '000000111000000',
  '.': '000000000000010',
  L: '100100100100111',
  Z: '111001010100111',
  ' ': '000000000000000',
};
const SCALE = 4;
const ROW = 40;
const SWATCH = 64;
const MARGIN = 8;

export function renderSwapSheet(sheet: SwapSheet): RgbaImage {
  const lines = sheet.bands.map((b) => `L${b.fromLayer}-${b.toLayer} Z${trim(b.toLayer * sheet.layerHeightMm)}`);
  const textWidth = Math.max(...lines.map((l) => l.length)) * 4 * SCALE;
  const image = createImage(MARGIN * 3 + SWATCH + textWidth, MARGIN + sheet.bands.length * (ROW + MARGIN));
  sheet.bands.forEach((band, row) => {
    const top = MARGIN + row * (ROW + MARGIN);
    const rgb = hexToSrgb(band.filament.hex).map((v) => Math.round(v * 255));
    fill(image, MARGIN, top, SWATCH, ROW, rgb, true);
    text(image, lines[row], MARGIN * 2 + SWATCH, top + (ROW - 5 * SCALE) / 2);
  });
  return image;
}

function text(image: RgbaImage, line: string, x0: number, y0: number): void {
  for (let c = 0; c < line.length; c++) {
    const glyph = GLYPHS[line[c]] ?? GLYPHS[' '];
    for (let gy = 0; gy < 5; gy++)
      for (let gx = 0; gx < 3; gx++)
        if (glyph[gy * 3 + gx] === '1') fill(image, x0 + (c * 4 + gx) * SCALE, y0 + gy * SCALE, SCALE, SCALE, [0, 0, 0], false);
  }
}

function fill(image: RgbaImage, x0: number, y0: number, w: number, h: number, rgb: number[], outline: boolean): void {
  for (let y = Math.max(0, y0); y < Math.min(image.height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(image.width, x0 + w); x++) {
      const edge = outline && (x === x0 || y === y0 || x === x0 + w - 1 || y === y0 + h - 1);
      const i = 4 * (y * image.width + x);
      image.data[i] = edge ? 60 : rgb[0];
      image.data[i + 1] = edge ? 60 : rgb[1];
      image.data[i + 2] = edge ? 60 : rgb[2];
      image.data[i + 3] = 255;
    }
  }
}

function trim(v: number): string {
  return String(Math.round(v * 100) / 100);
}
