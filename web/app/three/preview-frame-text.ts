/**
 * Lithophane frame text in the live preview: the line drawn with the browser's bold sans-serif on a
 * canvas at 4 × 4 pixels per sample, and the frame samples it covers by half or more cut down
 * (engraved) or raised by the relief. It follows the pipeline's fit (src/pipeline/modes/frame-text.ts:
 * the band less a margin each side, the picture's width, a stand's hidden strip, the capital height
 * asked for, else as tall as fits), not its font or its sharpness: the preview's pitch is coarse,
 * and the server's letters (Noto Sans Bold, exact outlines) are what gets printed.
 */

/** The frame-text parameters the preview reads (the job's own names). */
export interface FrameTextParams {
  mode: string;
  shape: string;
  widthMm: number;
  frameMm: number;
  frameThicknessMm: number;
  stand: boolean;
  frameText?: string;
  frameTextSide?: string;
  frameTextStyle?: string;
  frameTextMm?: number;
  geometry: {
    stand: { embedMm: number };
    frameText?: { frameMm: number; reliefMm: number; marginMm: number; minLetterMm: number };
  };
}

const WRITABLE = ['flat', 'arc', 'cylinder'];
/** Noto Sans Bold's capital height, in ems (714/1000): the browser's sans-serif is near it. */
const CAP_EM = 0.714;
const SUPERSAMPLE = 4;

/** The text to write on the frame, or undefined (blank, another mode or a shape without a frame band). */
export function frameTextOf(p: FrameTextParams): string | undefined {
  const text = p.frameText?.trim();
  return text && p.mode === 'lithophane' && WRITABLE.includes(p.shape) ? text : undefined;
}

/** The frame the job will have: a lithophane with text and no frame gets the server's default (and what a stand hides). */
export function frameForText(p: FrameTextParams): number {
  if (!frameTextOf(p) || p.frameMm > 0) return p.frameMm;
  const hidden = p.stand && p.frameTextSide !== 'top' ? p.geometry.stand.embedMm : 0;
  return (p.geometry.frameText?.frameMm ?? 10) + hidden;
}

/**
 * Cuts or raises the letters in the frame samples of `values` (row 0 at the top, `cols` across,
 * `frame` samples of frame a side, `pitch` mm per sample). Does nothing without a 2D canvas.
 */
export function stampFrameText(values: Float32Array, cols: number, rows: number, frame: number, pitch: number, p: FrameTextParams): void {
  const text = frameTextOf(p);
  if (!text || frame <= 0 || typeof document === 'undefined') return;
  const g = p.geometry.frameText ?? { frameMm: 10, reliefMm: 1, marginMm: 1, minLetterMm: 4 };
  const bottom = p.frameTextSide !== 'top';
  const hiddenRows = bottom && p.stand ? Math.round(p.geometry.stand.embedMm / pitch) : 0;
  const firstRow = bottom ? rows - frame : 0;
  const bandRows = frame - hiddenRows;
  if (bandRows <= 0) return;
  const canvas = document.createElement('canvas');
  canvas.width = cols * SUPERSAMPLE;
  canvas.height = bandRows * SUPERSAMPLE;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return;
  const pxPerMm = SUPERSAMPLE / pitch;
  const font = (px: number) => `bold ${px}px "Noto Sans", "DejaVu Sans", Arial, sans-serif`;
  ctx.font = font(100);
  const m = ctx.measureText(text);
  const inkHeight = (m.actualBoundingBoxAscent + m.actualBoundingBoxDescent) / 100;
  const inkWidth = (Math.abs(m.actualBoundingBoxLeft) + m.actualBoundingBoxRight) / 100 || m.width / 100;
  if (!(inkHeight > 0 && inkWidth > 0)) return;
  const bandMm = bandRows * pitch;
  const lengthMm = p.shape === 'cylinder' ? cols * pitch - 2 * g.marginMm : p.widthMm;
  // Ems in mm: the capitals asked for, shrunk to fit the band's height and length.
  const em = Math.min(p.frameTextMm ? p.frameTextMm / CAP_EM : Infinity, (bandMm - 2 * g.marginMm) / inkHeight, lengthMm / inkWidth);
  if (!(em > 0)) return;
  const px = em * pxPerMm;
  ctx.font = font(px);
  ctx.fillStyle = '#000';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  // The ink box centred in the band.
  const baseline = canvas.height / 2 + ((m.actualBoundingBoxAscent - m.actualBoundingBoxDescent) / 200) * px;
  ctx.fillText(text, canvas.width / 2, baseline);
  const alpha = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const level = p.frameThicknessMm + (p.frameTextStyle === 'raised' ? g.reliefMm : -g.reliefMm);
  const half = (SUPERSAMPLE * SUPERSAMPLE * 255) / 2;
  for (let j = 0; j < bandRows; j++)
    for (let i = 0; i < cols; i++) {
      let sum = 0;
      for (let y = 0; y < SUPERSAMPLE; y++)
        for (let x = 0; x < SUPERSAMPLE; x++) sum += alpha[((j * SUPERSAMPLE + y) * canvas.width + i * SUPERSAMPLE + x) * 4 + 3];
      if (sum >= half) values[(firstRow + j) * cols + i] = level;
    }
}
