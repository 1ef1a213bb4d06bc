/**
 * The printability verdict of an image job (relief, lithophane, extrusion), the counterpart of the
 * mesh jobs' verdict (run-mesh-pipeline.ts): printable yes/no with reasons, from
 *  - feature width against the nozzle: the extruded (or outline-cut) 2-D shape's thin share and
 *    narrowest feature (analyze/feature-width.ts); for reliefs and lithophanes the thinnest wall is
 *    the base under the surface (the smallest height or thickness the surface was meshed from);
 *  - the build volume (build-plate.ts: fits as placed, turned, or no way round);
 *  - bed contact (analyze/bed-contact.ts) and overhang area (analyze/overhang.ts) on the output.
 * More than 5% of the area under the nozzle makes the verdict "not printable", the same share the
 * mesh verdict's thin-wall rule uses (5% of the surface).
 */
import { measureBedContact } from './analyze/bed-contact.ts';
import { FLAT_BASE_DEFAULTS } from './analyze/flat-base.ts';
import type { FeatureWidth } from './analyze/feature-width.ts';
import { measureOverhang } from './analyze/overhang.ts';
import { fitOnPlate } from './build-plate.ts';
import type { Size3 } from './build-plate.ts';
import type { Mesh } from './mesh.ts';

/** Thin area above this share of the shape makes it not printable. */
export const MAX_THIN_SHARE = 0.05;

export interface ImagePrintability {
  printable: boolean;
  reasons: string[];
  nozzleMm: number;
  /** Narrowest feature of the flat shape (extrusions, outline cuts), or the thinnest wall (relief base, lithophane), mm. */
  minFeatureWidthMm: number;
  /** Share of the extruded (or outline-cut) area narrower than the nozzle; absent when there is no flat shape. */
  thinAreaShare?: number;
  thinAreaMm2?: number;
  /** Extrusions: share of the picture's ink lost to the sampling step (0 when thickened). */
  vanishedInkShare?: number;
  /** Extrusions and outline cuts with thickening: area added to bring thin strokes to the nozzle, mm². */
  thickenedAreaMm2?: number;
  buildVolumeMm: number[];
  fitsBuildVolume: boolean;
  /** The first layer (a section 0.1 mm above the bed); width is 2 x area / perimeter. */
  bedContact: { areaMm2: number; widthMm: number };
  overhang: { thresholdDeg: number; areaMm2: number; fraction: number };
}

export interface PrintabilityInput {
  mesh: Mesh;
  sizeMm: Size3;
  buildVolumeMm: Size3;
  nozzleMm: number;
  /** The flat shape's widths, when there is one (extrusion, outline cut). */
  features?: FeatureWidth;
  /** Thinnest wall of a surface solid (relief base, lithophane minimum), mm. */
  minWallMm?: number;
  /** A cookie cutter's wall, mm. */
  cutterWallMm?: number;
  vanishedInkShare?: number;
  thickenedAreaMm2?: number;
}

export function imagePrintability(input: PrintabilityInput): ImagePrintability {
  const { nozzleMm, features } = input;
  const reasons: string[] = [];
  const fit = fitOnPlate(input.sizeMm, input.buildVolumeMm);
  if (fit.fits === 'no') {
    reasons.push(`${dims(input.sizeMm)} does not fit the ${dims(input.buildVolumeMm)} build volume any way round; make it smaller`);
  }
  const contact = measureBedContact(input.mesh);
  if (contact.areaMm2 < FLAT_BASE_DEFAULTS.minContactMm2 || contact.widthMm < FLAT_BASE_DEFAULTS.minContactWidthMm) {
    reasons.push(`it touches the bed on only ${sig(contact.areaMm2)} mm² (${sig(contact.widthMm)} mm wide) at the first layer`);
  }
  if (features && features.thinShare > MAX_THIN_SHARE) {
    reasons.push(
      `${pct(features.thinShare)} of the area is narrower than the ${nozzleMm} mm nozzle (narrowest ${sig(features.minWidthMm)} mm); thicken it (thickenToNozzle), make it larger or use a finer nozzle`,
    );
  }
  const walls = [input.minWallMm, input.cutterWallMm].filter((w): w is number => w !== undefined);
  const minWall = walls.length > 0 ? Math.min(...walls) : undefined;
  if (minWall !== undefined && nozzleMm > 0 && minWall < nozzleMm) {
    reasons.push(`its thinnest wall is ${sig(minWall)} mm, under the ${nozzleMm} mm nozzle`);
  }
  if (input.vanishedInkShare !== undefined && input.vanishedInkShare > MAX_THIN_SHARE) {
    reasons.push(`${pct(input.vanishedInkShare)} of the picture's ink is thinner than the sampling step and vanished; use thickenToNozzle`);
  }
  const overhang = measureOverhang(input.mesh);
  const widths = [features?.minWidthMm, minWall].filter((w): w is number => w !== undefined && w > 0);
  return {
    printable: reasons.length === 0,
    reasons,
    nozzleMm,
    minFeatureWidthMm: round(widths.length > 0 ? Math.min(...widths) : 0, 3),
    thinAreaShare: features && round(features.thinShare, 4),
    thinAreaMm2: features && round(features.thinAreaMm2, 2),
    vanishedInkShare: input.vanishedInkShare === undefined ? undefined : round(input.vanishedInkShare, 4),
    thickenedAreaMm2: input.thickenedAreaMm2 === undefined ? undefined : round(input.thickenedAreaMm2, 2),
    buildVolumeMm: [...input.buildVolumeMm],
    fitsBuildVolume: fit.fits !== 'no',
    bedContact: { areaMm2: round(contact.areaMm2, 2), widthMm: round(contact.widthMm, 3) },
    overhang: { thresholdDeg: overhang.thresholdDeg, areaMm2: round(overhang.areaMm2, 2), fraction: round(overhang.fraction, 4) },
  };
}

function dims(size: readonly number[]): string {
  return `${size.map((s) => Math.round(s * 10) / 10).join(' × ')} mm`;
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function sig(v: number): number {
  return Number(v.toPrecision(2));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
