/**
 * The header-only codec (the Workers API tier's) agrees with sharp on what it reads: format, the
 * displayed size after EXIF orientation, alpha and bit depth, for every format it claims; and it
 * refuses what it cannot read with the same codes.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { headerOnlyImageCodec } from '../../src/repositories/media/header-image-codec.ts';
import { sharpImageCodec } from '../../src/repositories/media/sharp-image-codec.ts';

const base = (channels: 3 | 4) => sharp({ create: { width: 37, height: 21, channels, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } });

const samples: Array<[string, () => Promise<Buffer>]> = [
  ['png rgb', () => base(3).png().toBuffer()],
  ['png rgba', () => base(4).png().toBuffer()],
  ['png 16-bit', () => base(3).toColourspace('rgb16').png().toBuffer()],
  ['jpeg', () => base(3).jpeg().toBuffer()],
  ['jpeg rotated by EXIF (orientation 6)', () => base(3).jpeg().withMetadata({ orientation: 6 }).toBuffer()],
  ['webp lossy', () => base(3).webp().toBuffer()],
  ['webp lossless with alpha', () => base(4).webp({ lossless: true }).toBuffer()],
  ['gif', () => base(3).gif().toBuffer()],
];

describe('header-only image codec', () => {
  for (const [name, make] of samples) {
    it(`reads ${name} as sharp does`, async () => {
      const bytes = new Uint8Array(await make());
      const ours = await headerOnlyImageCodec.readHeader(bytes);
      const theirs = await sharpImageCodec.readHeader(bytes);
      expect(ours).toEqual({ ...theirs, pages: 1 });
    });
  }

  it('refuses unknown and truncated input with stable codes', async () => {
    await expect(headerOnlyImageCodec.readHeader(new TextEncoder().encode('solid cube\nendsolid'))).rejects.toMatchObject({
      code: 'unsupported_format',
    });
    const png = new Uint8Array(await base(3).png().toBuffer());
    await expect(headerOnlyImageCodec.readHeader(png.slice(0, 20))).rejects.toMatchObject({ code: 'image_corrupt' });
    const jpeg = new Uint8Array(await base(3).jpeg().toBuffer());
    await expect(headerOnlyImageCodec.readHeader(jpeg.slice(0, 30))).rejects.toMatchObject({ code: 'image_corrupt' });
  });
});
