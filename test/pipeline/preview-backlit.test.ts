import { describe, expect, it } from 'vitest';
import { renderBacklit } from '../../src/pipeline/preview/backlit.ts';
import type { Heightmap } from '../../src/pipeline/heightmap.ts';
import type { RgbaImage } from '../../src/pipeline/preview/image.ts';

function map(
  width: number,
  height: number,
  thickness: (x: number, y: number) => number,
  mask?: (x: number, y: number) => boolean,
): Heightmap {
  const values = new Float32Array(width * height);
  const m = mask ? new Uint8Array(width * height) : undefined;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      values[y * width + x] = thickness(x, y);
      if (m && mask) m[y * width + x] = mask(x, y) ? 1 : 0;
    }
  }
  return m ? { width, height, values, mask: m } : { width, height, values };
}

function luminance(img: RgbaImage, x: number, y: number): number {
  const i = (y * img.width + x) * 4;
  return 0.2126 * img.data[i] + 0.7152 * img.data[i + 1] + 0.0722 * img.data[i + 2];
}

describe('renderBacklit', () => {
  it('shows a thicker region darker than a thinner one', () => {
    const img = renderBacklit(map(100, 50, (x) => (x < 50 ? 0.8 : 3.0)));
    expect(luminance(img, 10, 25)).toBeGreaterThan(luminance(img, 90, 25) + 100);
    // Thinnest near white, thickest near dark.
    expect(luminance(img, 10, 25)).toBeGreaterThan(200);
    expect(luminance(img, 90, 25)).toBeLessThan(70);
  });

  it('is monotonic over a thickness gradient, in every channel', () => {
    const img = renderBacklit(map(300, 20, (x) => 0.6 + (x / 299) * 2.8));
    for (let c = 0; c < 3; c++) {
      for (let x = 1; x < img.width; x++) {
        const prev = img.data[(10 * img.width + x - 1) * 4 + c];
        const here = img.data[(10 * img.width + x) * 4 + c];
        expect(here).toBeLessThanOrEqual(prev);
      }
    }
    expect(luminance(img, 0, 10)).toBeGreaterThan(luminance(img, img.width - 1, 10) + 150);
  });

  it('keeps the picture orientation: row 0 is the top', () => {
    const img = renderBacklit(map(40, 40, (_x, y) => (y < 20 ? 0.8 : 3)));
    expect(luminance(img, 20, 2)).toBeGreaterThan(luminance(img, 20, 37));
  });

  it('paints the background outside the mask, from the heightmap or from the options', () => {
    const background: [number, number, number] = [10, 20, 30];
    const circle = (x: number, y: number) => (x - 50) ** 2 + (y - 50) ** 2 < 30 ** 2;
    const img = renderBacklit(
      map(100, 100, () => 1, circle),
      { backgroundColor: background },
    );
    expect(Array.from(img.data.subarray(0, 4))).toEqual([10, 20, 30, 255]);
    expect(luminance(img, 50, 50)).toBeGreaterThan(150);
    const viaOption = renderBacklit(
      map(100, 100, () => 1),
      { backgroundColor: background, mask: map(100, 100, () => 0, circle).mask },
    );
    expect(Buffer.compare(Buffer.from(viaOption.data), Buffer.from(img.data))).toBe(0);
  });

  it('resamples to the maximum size and never enlarges', () => {
    const big = renderBacklit(map(1600, 900, (x, y) => 1 + ((x + y) % 7) / 7));
    expect([big.width, big.height]).toEqual([800, 450]);
    const capped = renderBacklit(
      map(1000, 2000, () => 1),
      { maxSize: 256 },
    );
    expect([capped.width, capped.height]).toEqual([128, 256]);
    const small = renderBacklit(map(120, 80, () => 1));
    expect([small.width, small.height]).toEqual([120, 80]);
  });

  it("'exposure' keeps physical contrast: a thin range stays light", () => {
    const thin = map(100, 10, (x) => (x < 50 ? 1 : 1.3));
    const exposure = renderBacklit(thin, { normalize: 'exposure' });
    const range = renderBacklit(thin, { normalize: 'range' });
    expect(luminance(exposure, 90, 5)).toBeGreaterThan(luminance(range, 90, 5) + 50);
    // Beer–Lambert: 0.3 mm more at k = 0.9/mm passes exp(-0.27) ≈ 76% of the light.
    expect(luminance(exposure, 90, 5)).toBeLessThan(luminance(exposure, 10, 5));
  });

  it('handles an empty, uniform or fully masked heightmap without throwing', () => {
    expect(renderBacklit({ width: 0, height: 0, values: new Float32Array(0) }).width).toBe(1);
    const uniform = renderBacklit(map(10, 10, () => 2));
    expect(luminance(uniform, 5, 5)).toBeGreaterThan(200);
    const hidden = renderBacklit(
      map(
        10,
        10,
        () => 2,
        () => false,
      ),
      { backgroundColor: [1, 2, 3] },
    );
    expect(Array.from(hidden.data.subarray(0, 4))).toEqual([1, 2, 3, 255]);
  });
});
