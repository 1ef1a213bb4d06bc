/**
 * Image codec contract. The pipeline never decodes pictures itself: a codec (sharp in Node, a
 * WASM codec on Workers) is passed in. Grey and alpha come back as separate planes at the
 * source's bit depth, so 16-bit inputs keep their 65,536 levels.
 */
export interface ImageHeader {
  format: string;
  /** Displayed size, after EXIF orientation. */
  width: number;
  height: number;
  /** Frames in an animation (1 for stills); only the first is used. */
  pages: number;
  bitDepth: 8 | 16;
  hasAlpha: boolean;
}

export interface DecodedImage {
  width: number;
  height: number;
  bitDepth: 8 | 16;
  grey: Uint8Array | Uint16Array;
  alpha?: Uint8Array | Uint16Array;
  /** 8-bit sRGB, interleaved r, g, b: only when asked for (the colour modes) and the codec can. */
  rgb?: Uint8Array;
}

export interface DecodeOptions {
  /** Also return the colour planes (colour modes). */
  rgb?: boolean;
}

export interface ImageCodec {
  /** Reads only the header: never allocates pixels. Throws PipelineError for unreadable input. */
  readHeader(bytes: Uint8Array): Promise<ImageHeader>;
  /** Decodes the first frame, auto-oriented, to grey (+ alpha). */
  decode(bytes: Uint8Array, header: ImageHeader, limits: ImageLimits, options?: DecodeOptions): Promise<DecodedImage>;
}

export interface ImageLimits {
  maxBytes: number;
  /** Pixels of the first frame, checked from the header before decoding. */
  maxPixels: number;
  /** Smallest side that can make a meaningful print. */
  minSide: number;
}

export const IMAGE_LIMITS_DEFAULTS: ImageLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxPixels: 40_000_000,
  minSide: 8,
};

export const ACCEPTED_IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif'] as const;
