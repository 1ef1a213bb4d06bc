/**
 * Stage "decode": bytes -> Heightmap (brightness 0..1, row 0 at the top, alpha as a mask).
 * Every limit is checked from the header before a single pixel is allocated.
 */
import { PipelineError } from './errors.ts';
import type { Heightmap } from './heightmap.ts';
import { ACCEPTED_IMAGE_FORMATS, IMAGE_LIMITS_DEFAULTS } from './image.ts';
import type { RgbPlanes } from './colour/swap-plan.ts';
import type { DecodedImage, DecodeOptions, ImageCodec, ImageHeader, ImageLimits } from './image.ts';

const STAGE = 'decode';

export interface DecodeResult {
  heightmap: Heightmap;
  header: ImageHeader;
  /** Colour planes, when asked for: the codec's, or the grey picture in three planes when it has none. */
  rgb?: RgbPlanes;
}

export async function decodeImage(
  bytes: Uint8Array,
  codec: ImageCodec,
  limits: Partial<ImageLimits> = {},
  options: DecodeOptions = {},
): Promise<DecodeResult> {
  const lim: ImageLimits = { ...IMAGE_LIMITS_DEFAULTS, ...limits };
  if (bytes.byteLength === 0) throw new PipelineError('image_corrupt', 'decode: the file is empty', STAGE);
  if (bytes.byteLength > lim.maxBytes) {
    throw new PipelineError('file_too_large', `decode: the file is ${bytes.byteLength} bytes; the limit is ${lim.maxBytes}`, STAGE, {
      bytes: bytes.byteLength,
      limit: lim.maxBytes,
    });
  }
  const header = await codec.readHeader(bytes);
  checkHeader(header, lim);
  const image = await codec.decode(bytes, header, lim, options);
  const heightmap = toHeightmap(image);
  return options.rgb ? { heightmap, header, rgb: toRgbPlanes(image, heightmap) } : { heightmap, header };
}

function toRgbPlanes(image: DecodedImage, grey: Heightmap): RgbPlanes {
  const n = image.width * image.height;
  if (!image.rgb || image.rgb.length < 3 * n)
    return { width: grey.width, height: grey.height, r: grey.values, g: grey.values, b: grey.values };
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    r[i] = image.rgb[3 * i] / 255;
    g[i] = image.rgb[3 * i + 1] / 255;
    b[i] = image.rgb[3 * i + 2] / 255;
  }
  return { width: image.width, height: image.height, r, g, b };
}

export function checkHeader(header: ImageHeader, lim: ImageLimits): void {
  if (!(ACCEPTED_IMAGE_FORMATS as readonly string[]).includes(header.format)) {
    throw new PipelineError(
      'unsupported_format',
      `decode: ${header.format.toUpperCase()} images are not accepted; use PNG, JPEG, WebP, GIF, TIFF, AVIF or HEIC`,
      STAGE,
      { format: header.format },
    );
  }
  const pixels = header.width * header.height;
  if (!Number.isFinite(pixels) || pixels > lim.maxPixels) {
    throw new PipelineError(
      'image_too_large',
      `decode: the image is ${header.width}x${header.height} (${(pixels / 1e6).toFixed(1)} MP); the limit is ${(lim.maxPixels / 1e6).toFixed(0)} MP`,
      STAGE,
      { width: header.width, height: header.height, maxPixels: lim.maxPixels },
    );
  }
  if (header.width < lim.minSide || header.height < lim.minSide) {
    throw new PipelineError(
      'image_too_small',
      `decode: the image is ${header.width}x${header.height}; each side needs at least ${lim.minSide} pixels`,
      STAGE,
      { width: header.width, height: header.height, minSide: lim.minSide },
    );
  }
}

/** Alpha above half counts as subject; a fully opaque mask is dropped, an empty one is an error. */
export function toHeightmap(image: DecodedImage): Heightmap {
  const { width, height, grey, alpha } = image;
  const n = width * height;
  const scale = 1 / (image.bitDepth === 16 ? 65535 : 255);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = grey[i] * scale;
  if (!alpha) return { width, height, values };

  const half = image.bitDepth === 16 ? 32768 : 128;
  const mask = new Uint8Array(n);
  let opaque = 0;
  for (let i = 0; i < n; i++) {
    if (alpha[i] >= half) {
      mask[i] = 1;
      opaque++;
    }
  }
  if (opaque === 0) {
    throw new PipelineError('image_empty', 'decode: every pixel is transparent: there is nothing to make', STAGE);
  }
  return opaque === n ? { width, height, values } : { width, height, values, mask };
}
