import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { encodePng } from '../../src/pipeline/preview/png.ts';
import { crc32 } from '../../src/pipeline/preview/crc32.ts';
import type { RgbaImage } from '../../src/pipeline/preview/image.ts';

/** Decodes with sharp (libspng) and returns RGBA pixels, so we compare against an independent decoder. */
async function decode(png: Uint8Array): Promise<{ width: number; height: number; channels: number; data: Buffer }> {
  const { data, info } = await sharp(Buffer.from(png)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data };
}

function noisyImage(width: number, height: number, opaque: boolean): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      // A gradient plus noise exercises every filter type's predictor.
      data[i] = (x * 3 + (rand() % 7)) & 0xff;
      data[i + 1] = (y * 5) & 0xff;
      data[i + 2] = rand();
      data[i + 3] = opaque ? 255 : (x + y) & 0xff;
    }
  }
  return { width, height, data };
}

describe('encodePng', () => {
  it('has the PNG signature and a correct CRC-32', () => {
    const png = encodePng(noisyImage(4, 3, true));
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    // The check value from the CRC catalogue.
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  for (const opaque of [true, false]) {
    for (const filter of ['adaptive', 'none', 'sub', 'up', 'average', 'paeth'] as const) {
      it(`round-trips ${opaque ? 'opaque RGB' : 'RGBA'} pixels exactly with filter ${filter}`, async () => {
        const image = noisyImage(37, 23, opaque);
        const png = encodePng(image, { filter });
        expect(png[8 + 8 + 9]).toBe(opaque ? 2 : 6); // IHDR colour type
        const decoded = await decode(png);
        expect(decoded.width).toBe(37);
        expect(decoded.height).toBe(23);
        expect(decoded.channels).toBe(4);
        expect(Buffer.compare(decoded.data, Buffer.from(image.data))).toBe(0);
      });
    }
  }

  it('keeps RGBA when asked not to drop an opaque alpha channel', async () => {
    const image = noisyImage(5, 5, true);
    const png = encodePng(image, { dropOpaqueAlpha: false, level: 0 });
    expect(png[8 + 8 + 9]).toBe(6);
    expect(Buffer.compare((await decode(png)).data, Buffer.from(image.data))).toBe(0);
  });

  it('encodes a 1x1 image and rejects an empty one', async () => {
    const one: RgbaImage = { width: 1, height: 1, data: new Uint8Array([10, 20, 30, 40]) };
    expect(Array.from((await decode(encodePng(one))).data)).toEqual([10, 20, 30, 40]);
    expect(() => encodePng({ width: 0, height: 0, data: new Uint8Array(0) })).toThrow(/encodePng/);
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(3) })).toThrow(/RGBA bytes/);
  });
});
