/**
 * An image codec that reads headers only, in plain TypeScript: what the API tier on Workers needs
 * to accept an upload (format, displayed size, alpha, bit depth) without sharp. Pixels are decoded
 * where meshing runs (the Node pipeline, in a container), so `decode` refuses. Formats: PNG (IHDR,
 * tRNS, acTL), JPEG (SOFn and the EXIF orientation), WebP (VP8, VP8L, VP8X) and GIF; anything else
 * is `unsupported_format`, as sharp would say for a file it cannot read.
 */
import { PipelineError } from '../../pipeline/errors.ts';
import type { DecodedImage, ImageCodec, ImageHeader } from '../../pipeline/image.ts';

const STAGE = 'decode';
const corrupt = (what: string) => new PipelineError('image_corrupt', `decode: the image header is unreadable (${what})`, STAGE);
const unsupported = () => new PipelineError('unsupported_format', 'decode: this is not an image format we can read', STAGE);

function startsWith(bytes: Uint8Array, signature: number[], at = 0): boolean {
  return signature.every((b, i) => bytes[at + i] === b);
}

function readPng(view: DataView, bytes: Uint8Array): ImageHeader {
  if (bytes.length < 33 || !startsWith(bytes, [0x49, 0x48, 0x44, 0x52], 12)) throw corrupt('no IHDR');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = bytes[24];
  const colourType = bytes[25];
  let hasAlpha = colourType === 4 || colourType === 6;
  let pages = 1;
  // Walk the chunks before the pixels: transparency (tRNS) and animation (acTL) are announced there.
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    if (type === 'IDAT' || type === 'IEND') break;
    if (type === 'tRNS') hasAlpha = true;
    if (type === 'acTL' && at + 12 <= bytes.length) pages = Math.max(1, view.getUint32(at + 8));
    at += 12 + length;
  }
  return { format: 'png', width, height, pages, bitDepth: depth === 16 ? 16 : 8, hasAlpha };
}

/** EXIF orientation from an APP1 segment (TIFF header, IFD0 tag 0x0112), or 1. */
function exifOrientation(view: DataView, start: number, end: number): number {
  if (end - start < 14 || view.getUint32(start) !== 0x45786966) return 1; // "Exif"
  const tiff = start + 6;
  const little = view.getUint16(tiff) === 0x4949;
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return 1;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) break;
    if (view.getUint16(entry, little) === 0x0112) return view.getUint16(entry + 8, little);
  }
  return 1;
}

function readJpeg(view: DataView, bytes: Uint8Array): ImageHeader {
  let orientation = 1;
  for (let at = 2; at + 4 <= bytes.length; ) {
    if (bytes[at] !== 0xff) throw corrupt('no marker where one was expected');
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const length = view.getUint16(at + 2);
    if (marker === 0xe1) orientation = exifOrientation(view, at + 4, Math.min(bytes.length, at + 2 + length));
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) break;
      const height = view.getUint16(at + 5);
      const width = view.getUint16(at + 7);
      const swapped = orientation >= 5 && orientation <= 8;
      return { format: 'jpeg', width: swapped ? height : width, height: swapped ? width : height, pages: 1, bitDepth: 8, hasAlpha: false };
    }
    if (marker === 0xda || marker === 0xd9) break; // pixels or the end, and still no frame header
    at += 2 + length;
  }
  throw corrupt('no frame header');
}

function readWebp(view: DataView, bytes: Uint8Array): ImageHeader {
  const chunk = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  const base = { format: 'webp', pages: 1, bitDepth: 8 as const };
  if (chunk === 'VP8X' && bytes.length >= 30) {
    const flags = bytes[20];
    const width = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
    const height = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
    return { ...base, width, height, hasAlpha: (flags & 0x10) !== 0 };
  }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = view.getUint32(21, true);
    return { ...base, width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff), hasAlpha: ((bits >> 28) & 1) === 1 };
  }
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { ...base, width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff, hasAlpha: false };
  }
  throw corrupt('no VP8 header');
}

export const headerOnlyImageCodec: ImageCodec = {
  async readHeader(bytes: Uint8Array): Promise<ImageHeader> {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let header: ImageHeader;
    try {
      if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) header = readPng(view, bytes);
      else if (startsWith(bytes, [0xff, 0xd8, 0xff])) header = readJpeg(view, bytes);
      else if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
        header = readWebp(view, bytes);
      else if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && bytes.length >= 10) {
        // libvips decodes every GIF with an alpha plane (any frame may use the transparent index).
        header = { format: 'gif', width: view.getUint16(6, true), height: view.getUint16(8, true), pages: 1, bitDepth: 8, hasAlpha: true };
      } else throw unsupported();
    } catch (error) {
      if (error instanceof PipelineError) throw error;
      throw corrupt('truncated'); // a DataView read past the end
    }
    if (header.width <= 0 || header.height <= 0) throw corrupt('zero size');
    return header;
  },
  async decode(): Promise<DecodedImage> {
    throw new PipelineError('unsupported_format', 'decode: pictures are decoded by the mesh tier, not here', STAGE);
  },
};
