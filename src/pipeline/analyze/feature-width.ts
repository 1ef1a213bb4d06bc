/**
 * Thin features of a flat 2-D shape (an extrusion's ink mask, a relief's outline): which parts a
 * nozzle cannot print, and the narrowest feature width.
 *
 * Method: a morphological opening with a disc as wide as the nozzle, done with two exact distance
 * transforms (distance-transform.ts). The "core" is every pixel centre where a nozzle-wide disc fits
 * inside the shape (distance to the background, less half a pixel for the pixel's own extent, at
 * least half the nozzle); the opened shape is everything within half a nozzle of the core. What the
 * opening removes is too narrow to print, except the tips of convex corners, which an opening also
 * rounds off: those lie within 0.41 r of the opened shape for a 90° corner, so a removed pixel counts
 * as thin only when it is farther than max(1 px, r / 2) from the opened shape. Local width on the
 * medial ridge (pixels whose distance is a local maximum) is 2 d - 1 px (d from pixel centre to the
 * nearest background centre); the smallest such width on the thin parts (or, when none is thin, on
 * the opened shape) is the narrowest feature.
 * The shape is padded with background, so a stroke touching the picture edge ends there.
 * Measured (December 2026, test/pipeline/feature-width.test.ts): a 1-cell line is 100% thin and one
 * cell wide; a 50 x 30 cell rectangle 0% thin, its corners not counted. A 1600 x 1200 mask of strokes
 * took 1.4 s wall at load 18 on the shared 2-core machine (the extrude build itself 5-6 s there); the
 * bench's line drawing (2809 x 2074, 100 mm) is 100% under a 0.4 mm nozzle.
 */
import { squaredDistanceTo, squaredDistanceToBackground } from './distance-transform.ts';

export interface FeatureWidthOptions {
  /** Smallest width that prints, mm (the nozzle). */
  nozzleMm: number;
}

export interface FeatureWidth {
  /** Area of the shape, mm². */
  areaMm2: number;
  /** Area narrower than the nozzle, mm². */
  thinAreaMm2: number;
  /** thinAreaMm2 / areaMm2 (0 for an empty shape). */
  thinShare: number;
  /** Narrowest feature, mm (0 for an empty shape). */
  minWidthMm: number;
  /** 1 where the pixel is part of a feature narrower than the nozzle (row-major, like the mask). */
  thin: Uint8Array;
}

export function measureFeatureWidth(
  mask: Uint8Array,
  width: number,
  height: number,
  pitchMm: number,
  options: FeatureWidthOptions,
): FeatureWidth {
  const padded = pad(mask, width, height);
  const PW = width + 2;
  const PH = height + 2;
  const inner = squaredDistanceToBackground(padded, PW, PH);
  const radiusPx = options.nozzleMm / pitchMm / 2;
  const core = new Uint8Array(PW * PH);
  let hasCore = false;
  for (let i = 0; i < core.length; i++) {
    if (padded[i] && Math.sqrt(inner[i]) - 0.5 >= radiusPx) {
      core[i] = 1;
      hasCore = true;
    }
  }
  const toCore = hasCore ? squaredDistanceTo(core, PW, PH) : undefined;
  const far = radiusPx + Math.max(1, radiusPx / 2);
  const thin = new Uint8Array(width * height);
  let area = 0;
  let thinCount = 0;
  // The narrowest feature is read on the ridge of the thin parts when there are any, else on the
  // ridge of the opened shape: ridge pixels in corner tips (neither) would report a corner's width.
  let minThinRidge = Infinity;
  let minOpenRidge = Infinity;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y + 1) * PW + x + 1;
      if (!padded[p]) continue;
      area++;
      const beyond = toCore ? Math.sqrt(toCore[p]) : Infinity;
      const isThin = beyond > far;
      if (isThin) {
        thin[y * width + x] = 1;
        thinCount++;
      }
      const d = inner[p];
      if (
        d >= inner[p - 1] &&
        d >= inner[p + 1] &&
        d >= inner[p - PW] &&
        d >= inner[p + PW] &&
        d >= inner[p - PW - 1] &&
        d >= inner[p - PW + 1] &&
        d >= inner[p + PW - 1] &&
        d >= inner[p + PW + 1]
      ) {
        const ridgeWidth = 2 * Math.sqrt(d) - 1;
        if (isThin) minThinRidge = Math.min(minThinRidge, ridgeWidth);
        else if (beyond <= radiusPx) minOpenRidge = Math.min(minOpenRidge, ridgeWidth);
      }
    }
  }
  const px2 = pitchMm * pitchMm;
  const minRidge = thinCount > 0 ? minThinRidge : minOpenRidge;
  return {
    areaMm2: area * px2,
    thinAreaMm2: thinCount * px2,
    thinShare: area > 0 ? thinCount / area : 0,
    minWidthMm: area > 0 && Number.isFinite(minRidge) ? minRidge * pitchMm : 0,
    thin,
  };
}

/** The mask with one ring of background around it. */
export function pad(mask: Uint8Array, width: number, height: number): Uint8Array {
  const PW = width + 2;
  const out = new Uint8Array(PW * (height + 2));
  for (let y = 0; y < height; y++) out.set(mask.subarray(y * width, (y + 1) * width), (y + 1) * PW + 1);
  return out;
}
