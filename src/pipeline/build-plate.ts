/**
 * Does a model fit the printer? A box of size (x, y, z) fits a build volume as placed when each side
 * is within the volume's; turned by quarter turns it can take any order of its sides, so it fits
 * some way round exactly when its sorted sides are within the volume's sorted sides. Diagonal
 * placement on the bed is not counted: the rule refuses only what no quarter-turn placement fits.
 */
export type Size3 = readonly [number, number, number];

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
