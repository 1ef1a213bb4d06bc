/**
 * Generated pictures for `npm run bench:printable`: line art and handwriting, the kinds of picture
 * whose thin anti-aliased strokes cut many tiny islands per layer. Seeded SVG rendered by sharp, so
 * every run slices the same files and the set ships without licence questions.
 */
import sharp from 'sharp';
import { seeded } from './seeded.ts';

/** A line drawing: many thin curved strokes (1-4 px), some hatching, black on white, like a scanned sketch. */
export async function lineDrawingPng(width = 2809, height = 2074, seed = 7): Promise<Uint8Array> {
  const random = seeded(seed);
  const paths: string[] = [];
  for (let i = 0; i < 140; i++) {
    let x = random() * width;
    let y = random() * height;
    let d = `M${x.toFixed(1)},${y.toFixed(1)}`;
    const segments = 2 + Math.floor(random() * 5);
    for (let s = 0; s < segments; s++) {
      const step = 80 + random() * 300;
      const c1x = x + (random() - 0.5) * step;
      const c1y = y + (random() - 0.5) * step;
      x += (random() - 0.5) * step * 2;
      y += (random() - 0.5) * step * 2;
      d += ` Q${c1x.toFixed(1)},${c1y.toFixed(1)} ${x.toFixed(1)},${y.toFixed(1)}`;
    }
    paths.push(`<path d="${d}" stroke-width="${(1 + random() * 3).toFixed(2)}"/>`);
  }
  for (let h = 0; h < 12; h++) {
    const cx = random() * width;
    const cy = random() * height;
    const len = 60 + random() * 160;
    for (let k = 0; k < 20; k++) {
      const ox = cx + k * 9;
      paths.push(`<path d="M${ox.toFixed(1)},${cy.toFixed(1)} l${(len * 0.5).toFixed(1)},${len.toFixed(1)}" stroke-width="1.5"/>`);
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/><g fill="none" stroke="black" stroke-linecap="round">${paths.join('')}</g></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).greyscale().png().toBuffer());
}

/** Handwriting on a transparency: dark pen strokes on a fully transparent background (RGBA PNG). */
export async function handwritingPng(width = 1600, height = 600, seed = 11): Promise<Uint8Array> {
  const random = seeded(seed);
  const strokes: string[] = [];
  for (let line = 0; line < 3; line++) {
    let x = 60;
    const baseline = 150 + line * 170;
    let d = `M${x},${baseline}`;
    while (x < width - 80) {
      const w = 18 + random() * 30;
      const up = 40 + random() * 70;
      d += ` c${(w * 0.2).toFixed(1)},${(-up).toFixed(1)} ${(w * 0.8).toFixed(1)},${(-up).toFixed(1)} ${w.toFixed(1)},0`;
      d += ` c${(w * 0.1).toFixed(1)},${(up * 0.4).toFixed(1)} ${(w * 0.5).toFixed(1)},${(up * 0.4).toFixed(1)} ${(w * 0.6).toFixed(1)},0`;
      x += w * 1.6;
      if (random() < 0.15) {
        x += 30;
        d += ` m30,0`;
      }
    }
    strokes.push(`<path d="${d}" stroke-width="${(3 + random() * 2).toFixed(1)}"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g fill="none" stroke="#101830" stroke-linecap="round" stroke-linejoin="round">${strokes.join('')}</g></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}
