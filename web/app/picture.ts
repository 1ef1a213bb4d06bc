/**
 * The uploaded picture, decoded by the browser and downscaled for the live preview: brightness
 * (0 black .. 1 white, Rec. 709 weights on the encoded values, rows top to bottom) and alpha.
 * The preview only needs the shape of the result, not print resolution, so ~200 px a side.
 */
export interface Picture {
  width: number;
  height: number;
  brightness: Float32Array;
  alpha: Float32Array;
  /** True when some pixel is noticeably transparent (logos on a transparent background). */
  hasAlpha: boolean;
  /** The original size, for the aspect ratio and the hint text. */
  sourceWidth: number;
  sourceHeight: number;
}

export async function decodePicture(file: Blob, maxSide = 200): Promise<Picture> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(2, Math.round(bitmap.width * scale));
    const height = Math.max(2, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const n = width * height;
    const brightness = new Float32Array(n);
    const alpha = new Float32Array(n);
    let hasAlpha = false;
    for (let i = 0; i < n; i++) {
      const a = rgba[i * 4 + 3] / 255;
      alpha[i] = a;
      if (a < 0.95) hasAlpha = true;
      const y = (0.2126 * rgba[i * 4] + 0.7152 * rgba[i * 4 + 1] + 0.0722 * rgba[i * 4 + 2]) / 255;
      // Transparent pixels read as white paper (the pipeline composites on white too).
      brightness[i] = y * a + (1 - a);
    }
    return { width, height, brightness, alpha, hasAlpha, sourceWidth: bitmap.width, sourceHeight: bitmap.height };
  } finally {
    bitmap.close();
  }
}

/** Auto-level (stretch to 0..1) then gamma, as the pipeline does before mapping to heights. */
export function tone(picture: Picture, options: { autoLevel: boolean; gamma: number }): Float32Array {
  const src = picture.brightness;
  const out = new Float32Array(src.length);
  let lo = 0;
  let hi = 1;
  if (options.autoLevel) {
    lo = 1;
    hi = 0;
    for (const v of src) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo < 1e-6) (lo = 0), (hi = 1);
  }
  const span = hi - lo;
  const g = options.gamma > 0 ? options.gamma : 1;
  for (let i = 0; i < src.length; i++) {
    const v = Math.min(1, Math.max(0, (src[i] - lo) / span));
    out[i] = g === 1 ? v : v ** g;
  }
  return out;
}
