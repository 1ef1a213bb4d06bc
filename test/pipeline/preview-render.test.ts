import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { renderPreview } from '../../src/pipeline/preview/render.ts';
import type { RenderOptions } from '../../src/pipeline/preview/render.ts';
import { encodePng } from '../../src/pipeline/preview/png.ts';
import type { RgbaImage } from '../../src/pipeline/preview/image.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { boxMesh, bumpyRelief } from './preview-fixtures.ts';

const WHITE: [number, number, number] = [255, 255, 255];
/** Plain white background and no bed, so every non-white pixel is the model. */
const PLAIN: Partial<RenderOptions> = { grid: false, shadow: false, backgroundTop: WHITE, backgroundBottom: WHITE };

function isBackground(img: RgbaImage, i: number): boolean {
  return img.data[i * 4] === 255 && img.data[i * 4 + 1] === 255 && img.data[i * 4 + 2] === 255;
}

function foreground(img: RgbaImage): { fraction: number; minX: number; maxX: number; minY: number; maxY: number } {
  let count = 0,
    minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (isBackground(img, y * img.width + x)) continue;
      count++;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return { fraction: count / (img.width * img.height), minX, maxX, minY, maxY };
}

/** Luminance clusters among interior model pixels (pixels whose 4 neighbours are all model). */
function shadeClusters(img: RgbaImage, minShare: number): number[] {
  const bins = new Map<number, number>();
  let total = 0;
  for (let y = 1; y < img.height - 1; y++) {
    for (let x = 1; x < img.width - 1; x++) {
      const i = y * img.width + x;
      if ([i, i - 1, i + 1, i - img.width, i + img.width].some((j) => isBackground(img, j))) continue;
      const d = img.data;
      const lum = Math.round((0.2126 * d[i * 4] + 0.7152 * d[i * 4 + 1] + 0.0722 * d[i * 4 + 2]) / 8);
      bins.set(lum, (bins.get(lum) ?? 0) + 1);
      total++;
    }
  }
  return [...bins.entries()]
    .filter(([, n]) => n / total >= minShare)
    .map(([lum]) => lum * 8)
    .sort((a, b) => a - b);
}

describe('renderPreview', () => {
  const box = boxMesh([0, 0, 0], [30, 20, 15]);

  it('draws a box that fills a sensible part of the frame, inside the margin', () => {
    const img = renderPreview(box, PLAIN);
    expect(img.width).toBe(800);
    expect(img.height).toBe(600);
    expect(img.data.length).toBe(800 * 600 * 4);
    const fg = foreground(img);
    expect(fg.fraction).toBeGreaterThan(0.15);
    expect(fg.fraction).toBeLessThan(0.75);
    // Default margin is 8% of each side; allow a pixel for anti-aliasing.
    expect(fg.minX).toBeGreaterThanOrEqual(800 * 0.08 - 1);
    expect(fg.maxX).toBeLessThanOrEqual(800 * 0.92);
    expect(fg.minY).toBeGreaterThanOrEqual(600 * 0.08 - 1);
    expect(fg.maxY).toBeLessThanOrEqual(600 * 0.92);
    // Fitted, not tiny: one dimension spans (nearly) the whole usable frame.
    const spanX = (fg.maxX - fg.minX + 1) / (800 * 0.84);
    const spanY = (fg.maxY - fg.minY + 1) / (600 * 0.84);
    expect(Math.max(spanX, spanY)).toBeGreaterThan(0.97);
  });

  it('shades the visible faces of a box differently', () => {
    const clusters = shadeClusters(renderPreview(box, PLAIN), 0.05);
    // Top, front and right faces are each flat, so each is one large luminance cluster.
    expect(clusters.length).toBeGreaterThanOrEqual(2);
    expect(clusters[clusters.length - 1] - clusters[0]).toBeGreaterThanOrEqual(16);
  });

  it('returns a blank image for an empty mesh', () => {
    const empty: Mesh = { positions: new Float32Array(0), indices: new Uint32Array(0) };
    const img = renderPreview(empty, { width: 64, height: 48 });
    expect(img.width).toBe(64);
    expect(img.height).toBe(48);
    // Only the background gradient: every row is one colour, and opaque.
    let odd = 0;
    for (let y = 0; y < 48; y++) {
      for (let x = 0; x < 64; x++) {
        const i = (y * 64 + x) * 4;
        for (let c = 0; c < 4; c++) if (img.data[i + c] !== img.data[y * 256 + c]) odd++;
      }
      if (img.data[y * 256 + 3] !== 255) odd++;
    }
    expect(odd).toBe(0);
    expect(foreground(renderPreview(empty, PLAIN)).fraction).toBe(0);
  });

  it('survives degenerate, NaN and out-of-range triangles', () => {
    const good = boxMesh([0, 0, 0], [10, 10, 10]);
    const positions = new Float32Array([...good.positions, 1, 1, 1, 2, 2, 2, NaN, 0, 0]);
    const extra = [8, 8, 8, /* a point */ 8, 9, 0, /* collinear */ 8, 9, 10, /* NaN vertex */ 0, 1, 999 /* out of range */];
    const indices = new Uint32Array([...good.indices, ...extra]);
    const img = renderPreview({ positions, indices }, PLAIN);
    const fg = foreground(img);
    expect(fg.fraction).toBeGreaterThan(0.1);
    expect(fg.minX).toBeGreaterThanOrEqual(800 * 0.08 - 1);
    // A mesh of only degenerate triangles is blank, not an error.
    const onlyBad = renderPreview(
      { positions: new Float32Array([0, 0, 0, 1, 1, 1, 2, 2, 2]), indices: new Uint32Array([0, 1, 2, 0, 0, 0]) },
      PLAIN,
    );
    expect(foreground(onlyBad).fraction).toBe(0);
  });

  it('does not depend on back-face culling or on winding for a closed solid', () => {
    const relief = bumpyRelief(40);
    const withCulling = renderPreview(relief, { ...PLAIN, cullBackFaces: true, width: 200, height: 150 });
    const without = renderPreview(relief, { ...PLAIN, cullBackFaces: false, width: 200, height: 150 });
    expect(Buffer.compare(Buffer.from(withCulling.data), Buffer.from(without.data))).toBe(0);
    // Inside-out (all triangles flipped) still shows the same silhouette, lit two-sided.
    const flipped = new Uint32Array(relief.indices);
    for (let t = 0; t < flipped.length; t += 3) [flipped[t + 1], flipped[t + 2]] = [flipped[t + 2], flipped[t + 1]];
    const inverted = renderPreview({ positions: relief.positions, indices: flipped }, { ...PLAIN, width: 200, height: 150 });
    const a = foreground(without),
      b = foreground(inverted);
    expect(b.fraction).toBeCloseTo(a.fraction, 3);
  });

  it('draws the bed shadow under the model and stays opaque', () => {
    const img = renderPreview(box, { width: 400, height: 300 });
    const noShadow = renderPreview(box, { width: 400, height: 300, shadow: false });
    let darker = 0;
    for (let i = 0; i < img.data.length; i += 4) if (img.data[i] + 3 < noShadow.data[i]) darker++;
    expect(darker).toBeGreaterThan(100);
    let translucent = 0;
    for (let i = 3; i < img.data.length; i += 4) if (img.data[i] !== 255) translucent++;
    expect(translucent).toBe(0);
  });

  it('encodes to a PNG that decodes to the same pixels', async () => {
    const img = renderPreview(bumpyRelief(60), { width: 320, height: 240 });
    const { data, info } = await sharp(Buffer.from(encodePng(img)))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([320, 240]);
    expect(Buffer.compare(data, Buffer.from(img.data))).toBe(0);
  });

  it('renders 1M triangles (timing printed, not asserted)', () => {
    const mesh = bumpyRelief(500);
    renderPreview(bumpyRelief(100)); // warm up the JIT
    const t = performance.now();
    const img = renderPreview(mesh);
    const ms = performance.now() - t;
    console.log(`renderPreview: ${mesh.indices.length / 3} triangles at 800x600 in ${ms.toFixed(0)} ms`);
    expect(foreground(img).fraction).toBeGreaterThan(0);
  });
});
