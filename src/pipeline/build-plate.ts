/**
 * Does a model fit the printer? A box of size (x, y, z) fits a build volume as placed when each side
 * is within the volume's; turned by quarter turns it can take any order of its sides, so it fits
 * some way round exactly when its sorted sides are within the volume's sorted sides. Diagonal
 * placement on the bed is not counted: the rule refuses only what no quarter-turn placement fits.
 */
export type Size3 = readonly [number, number, number];

/**
 * x, y, z of the build volume every job (image, text and mesh) is checked against when none is
 * given, in mm. 220 × 220 × 250 is the bed of the Creality Ender-3 family and its many clones
 * (Ender-3 V2 / V3 SE, Sovol SV06, Anycubic Kobra): the printer most makers own or learned on, so
 * what "fits a printer" means to most. The 256 mm cube of the Bambu Lab A1 / P1 / X1 takes anything
 * that fits it; the Prusa MK3S / MK4 (250 × 210 × 210-220) is larger in x only, and the 180 mm
 * cube of a Prusa MINI or Bambu A1 mini is smaller: their owners give buildPlateMm (the CLI's
 * --build-plate-mm). Image and text modes used 250 × 210 × 210 and mesh modes this one until
 * December 2026, so one model could pass one mode's check and fail another's.
 */
export const DEFAULT_BUILD_VOLUME_MM = [220, 220, 250] as const;

export type PlateFit =
  | { fits: 'as-placed' }
  /** Fits once turned: `turned` is the same box with its sides in an order that fits. */
  | { fits: 'turned'; turned: [number, number, number] }
  | { fits: 'no' };

export function fitOnPlate(size: Size3, plate: Size3): PlateFit {
  if (size.every((s, i) => s <= plate[i])) return { fits: 'as-placed' };
  for (const order of PERMUTATIONS) {
    const turned = order.map((i) => size[i]) as [number, number, number];
    if (turned.every((s, i) => s <= plate[i])) return { fits: 'turned', turned };
  }
  return { fits: 'no' };
}

const PERMUTATIONS = [
  [1, 0, 2],
  [0, 2, 1],
  [2, 1, 0],
  [1, 2, 0],
  [2, 0, 1],
] as const;

/** The sentence a report or an estimate carries when the model does not fit as placed (undefined when it does). */
export function plateWarning(size: Size3, plate: Size3, about = false): string | undefined {
  const fit = fitOnPlate(size, plate);
  const model = `${about ? 'about ' : ''}${dims(size)}`;
  if (fit.fits === 'as-placed') return undefined;
  if (fit.fits === 'turned')
    return `the model (${model}) does not fit the ${dims(plate)} build volume as placed; turn it to ${dims(fit.turned)} in the slicer`;
  return `the model (${model}) does not fit the ${dims(plate)} build volume any way round`;
}

function dims(size: Size3): string {
  return `${size.map((s) => Math.round(s * 10) / 10).join(' × ')} mm`;
}
