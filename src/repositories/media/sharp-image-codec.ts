/**
 * The Node image codec: sharp (libvips). Headers are read with the pixel limit off so that a
 * decompression bomb is measured, not decoded; the decode itself re-applies our own limit, a
 * time-out, and `failOn: 'error'` so truncated files fail instead of decoding half a picture.
 */
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { PipelineError } from '../../pipeline/errors.ts';
import type { DecodedImage, DecodeOptions, ImageCodec, ImageHeader, ImageLimits } from '../../pipeline/image.ts';

const STAGE = 'decode';
const DECODE_TIMEOUT_SECONDS = 10;

function codecError(error: unknown, during: 'header' | 'pixels'): PipelineError {
  const message = error instanceof Error ? error.message : String(error);
  if (/exceeds pixel limit/i.test(message)) {
    return new PipelineError('image_too_large', 'decode: the image has more pixels than allowed', STAGE);
  }
  if (/unsupported image format/i.test(message)) {
    return new PipelineError('unsupported_format', 'decode: this is not an image format we can read', STAGE);
  }
  if (/timeout/i.test(message)) {
    return new PipelineError('timeout', 'decode: the image took too long to decode', STAGE);
  }
  const firstLine = message.split('\n')[0].replace(/^Input (buffer|file) (has|contains) /i, '');
  return new PipelineError(
    'image_corrupt',
    during === 'header'
      ? `decode: the image header is unreadable (${firstLine})`
      : `decode: the image is damaged or incomplete (${firstLine})`,
    STAGE,
  );
}

export const sharpImageCodec: ImageCodec & { decodeGrey: ImageCodec['decode'] } = {
  async readHeader(bytes: Uint8Array): Promise<ImageHeader> {
    let meta: Metadata;
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (error) {
      throw codecError(error, 'header');
    }
    const width = meta.width ?? 0;
    const height = meta.pageHeight ?? meta.height ?? 0;
    // EXIF orientations 5-8 swap the displayed sides.
    const swapped = (meta.orientation ?? 1) >= 5;
    return {
      format: meta.format ?? 'unknown',
      width: swapped ? height : width,
      height: swapped ? width : height,
      pages: meta.pages ?? 1,
      bitDepth: meta.depth === 'ushort' ? 16 : 8,
      hasAlpha: meta.hasAlpha ?? false,
    };
  },

  async decode(bytes: Uint8Array, header: ImageHeader, limits: ImageLimits, options: DecodeOptions = {}): Promise<DecodedImage> {
    const image = await sharpImageCodec.decodeGrey(bytes, header, limits);
    if (!options.rgb) return image;
    try {
      const open = sharp(bytes, { limitInputPixels: limits.maxPixels, autoOrient: true, pages: 1, page: 0, failOn: 'error' });
      const { data } = await open
        .timeout({ seconds: DECODE_TIMEOUT_SECONDS })
        .removeAlpha()
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      image.rgb = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      return image;
    } catch (error) {
      throw codecError(error, 'pixels');
    }
  },

  async decodeGrey(bytes: Uint8Array, header: ImageHeader, limits: ImageLimits): Promise<DecodedImage> {
    const open = () =>
      sharp(bytes, { limitInputPixels: limits.maxPixels, autoOrient: true, pages: 1, page: 0, failOn: 'error' }).timeout({
        seconds: DECODE_TIMEOUT_SECONDS,
      });
    try {
      if (header.bitDepth === 16) {
        // grey16 keeps alpha as a second interleaved channel.
        const { data, info } = await open().toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
        const samples = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
        const n = info.width * info.height;
        if (info.channels === 1) return { width: info.width, height: info.height, bitDepth: 16, grey: samples.slice(0, n) };
        const grey = new Uint16Array(n);
        const alpha = new Uint16Array(n);
        for (let i = 0; i < n; i++) {
          grey[i] = samples[i * info.channels];
          alpha[i] = samples[i * info.channels + info.channels - 1];
        }
        return { width: info.width, height: info.height, bitDepth: 16, grey, alpha };
      }
      const greyOut = await open().greyscale().raw().toBuffer({ resolveWithObject: true });
      const grey = new Uint8Array(greyOut.data.buffer, greyOut.data.byteOffset, greyOut.data.byteLength);
      const image: DecodedImage = { width: greyOut.info.width, height: greyOut.info.height, bitDepth: 8, grey };
      if (header.hasAlpha) {
        // 8-bit greyscale() drops alpha, so read it as its own plane.
        const alphaOut = await open().extractChannel('alpha').raw().toBuffer({ resolveWithObject: true });
        image.alpha = new Uint8Array(alphaOut.data.buffer, alphaOut.data.byteOffset, alphaOut.data.byteLength);
      }
      return image;
    } catch (error) {
      throw codecError(error, 'pixels');
    }
  },
};
