/**
 * Colour relief ("filament painting"): choose at which layers to swap filament so that a thin
 * relief, printed with one nozzle, shows a photo's colours. Each surface height (a whole number
 * of layers) shows one colour, given by the stack model (stack-colour.ts); each pixel takes the
 * height whose colour is nearest to it in CIEDE2000; the plan's error is the mean of those
 * nearest differences over the picture.
 *
 * Method: filaments are stacked dark to light (luminance rises with height, as in HueForge and
 * every filament-painting guide), starting from equal-height bands (the naive baseline) and from
 * darkest-and-lightest only, then coordinate descent over the swap layers: each swap in turn is
 * moved to the layer between its neighbours that lowers the error most, until a sweep changes
 * nothing; the better of the two results wins, and it is never worse than the baseline. A swap
 * may meet its neighbour, which drops a filament the picture does not need. The error is evaluated on the
 * picture's colours binned at 4 bits per channel (weights = pixel counts): a few hundred to a
 * few thousand colours instead of every pixel, so one evaluation is ~25 levels x bins ΔE00 calls.
 *
 * Measured (bench:colour, December 2026, load ~17 on 2 cores: 8 corpus photos, 100 mm wide at
 * 0.2 mm, 0.08 mm layers, 0.48 mm base + 1.92 mm relief, predicted print rendered from the built
 * height field): the fitted plan is below the equal-height baseline on all 24 photo x palette
 * cases; mean ΔE00 11.78 against 16.31. The gain is smallest with 2 filaments (one swap: 0.25-1.5)
 * and largest with 4-6 (up to 9.9). Planning took 1-27 s per photo (60-420 plans evaluated).
 */
import { ciede2000 } from './ciede2000.ts';
import type { Filament } from './filaments.ts';
import { linearRgbToLab, luminance, srgbChannelToLinear } from './lab.ts';
import { filamentLinearRgb, stackColours } from './stack-colour.ts';

/** A picture as three sRGB planes, 0..1, row-major. */
export interface RgbPlanes {
  width: number;
  height: number;
  r: Float32Array;
  g: Float32Array;
  b: Float32Array;
}

export interface SwapPlanOptions {
  layerHeightMm: number;
  /** Layers every pixel has (the solid base). */
  baseLayers: number;
  /** Layers at the highest point. */
  maxLayers: number;
  /** 'optimised' (coordinate descent) or 'equal' (equal-height bands, the baseline). */
  method: 'optimised' | 'equal';
  /** Sweeps of coordinate descent at most. */
  maxSweeps: number;
}

export const SWAP_PLAN_DEFAULTS: SwapPlanOptions = {
  layerHeightMm: 0.08,
  baseLayers: 6,
  maxLayers: 30,
  method: 'optimised',
  maxSweeps: 8,
};

export interface SwapPlan {
  /** Bottom to top. */
  filaments: Filament[];
  /** swaps[k]: the last layer of filament k (filament k+1 starts on the layer above). */
  swaps: number[];
  layerHeightMm: number;
  baseLayers: number;
  maxLayers: number;
  /** Colour (linear RGB) of a surface at each layer count 0..maxLayers. */
  levelColours: Float64Array;
  /** Lab of the same. */
  levelLab: Float64Array;
  /** Mean ΔE00 over the binned picture when each pixel takes its best height. */
  binnedError: number;
  evaluations: number;
}

/** Dark to light by luminance: the order the layers go down in. */
export function orderFilaments(filaments: readonly Filament[]): Filament[] {
  return [...filaments].sort((a, b) => luminance(filamentLinearRgb(a)) - luminance(filamentLinearRgb(b)));
}

/** Equal-height bands over the relief above the base; the bottom filament also fills the base. */
export function equalSwaps(count: number, baseLayers: number, maxLayers: number): number[] {
  const swaps: number[] = [];
  for (let k = 1; k < count; k++) swaps.push(baseLayers + Math.round((k * (maxLayers - baseLayers)) / count));
  return swaps;
}

export function planSwaps(picture: RgbPlanes, filaments: readonly Filament[], options: Partial<SwapPlanOptions> = {}): SwapPlan {
  const opts = { ...SWAP_PLAN_DEFAULTS, ...options };
  if (filaments.length < 1) throw new Error('planSwaps: give at least one filament');
  if (!(opts.maxLayers > opts.baseLayers)) throw new Error('planSwaps: maxLayers must exceed baseLayers');
  const ordered = orderFilaments(filaments);
  const bins = binColours(picture);
  let evaluations = 0;
  const evaluate = (swaps: number[]) => {
    evaluations++;
    return binnedError(bins, levelLabOf(ordered, swaps, opts), opts.baseLayers, opts.maxLayers);
  };
  const equal = equalSwaps(ordered.length, opts.baseLayers, opts.maxLayers);
  let best = equal;
  let bestError = evaluate(equal);
  if (opts.method === 'optimised') {
    // Two starts: the equal bands, and only the darkest and lightest filament (the middle bands
    // empty, free to grow). Descent moves one swap at a time, so it cannot empty two bands at
    // once: without the second start a poorly matching middle colour could leave the plan worse
    // than black and white alone (measured on Landscape_5 with black, blue, yellow, white).
    const middle = opts.baseLayers + Math.round((opts.maxLayers - opts.baseLayers) / 2);
    const twoBands = equal.map((_, k) => (k === equal.length - 1 ? middle : opts.baseLayers));
    for (const start of ordered.length > 2 ? [equal, twoBands] : [equal]) {
      const found = descend(start, evaluate(start), evaluate, opts);
      if (found.error < bestError - 1e-9) {
        best = found.swaps;
        bestError = found.error;
      }
    }
  }
  const levelColours = stackColours(ordered, best, opts.layerHeightMm, opts.maxLayers);
  return {
    filaments: ordered,
    swaps: best,
    layerHeightMm: opts.layerHeightMm,
    baseLayers: opts.baseLayers,
    maxLayers: opts.maxLayers,
    levelColours,
    levelLab: labOfLevels(levelColours),
    binnedError: bestError,
    evaluations,
  };
}

/** Coordinate descent: move each swap to its best layer between its neighbours until a sweep changes nothing. */
function descend(
  start: number[],
  startError: number,
  evaluate: (swaps: number[]) => number,
  opts: SwapPlanOptions,
): { swaps: number[]; error: number } {
  let best = start;
  let bestError = startError;
  for (let sweep = 0; sweep < opts.maxSweeps; sweep++) {
    let moved = false;
    for (let k = 0; k < best.length; k++) {
      const lo = k === 0 ? 0 : best[k - 1];
      const hi = k === best.length - 1 ? opts.maxLayers : best[k + 1];
      for (let s = lo; s <= hi; s++) {
        if (s === best[k]) continue;
        const candidate = best.slice();
        candidate[k] = s;
        const error = evaluate(candidate);
        if (error < bestError - 1e-9) {
          best = candidate;
          bestError = error;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  return { swaps: best, error: bestError };
}

/**
 * Each pixel's layer count: the height whose colour is nearest in ΔE00. Memoised on 6-bit bins
 * per channel (the bin's centre colour decides), so a 1 MP photo costs tens of thousands of
 * searches, not a million.
 */
export function assignLayers(picture: RgbPlanes, plan: SwapPlan): Uint16Array {
  const n = picture.width * picture.height;
  const out = new Uint16Array(n);
  const memo = new Int16Array(64 * 64 * 64).fill(-1);
  const lab: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const key = (q6(picture.r[i]) << 12) | (q6(picture.g[i]) << 6) | q6(picture.b[i]);
    let level = memo[key];
    if (level < 0) {
      const c = (v: number) => srgbChannelToLinear((v + 0.5) / 64);
      linearRgbToLab(c(key >> 12), c((key >> 6) & 63), c(key & 63), lab);
      level = nearestLevel(lab[0], lab[1], lab[2], plan.levelLab, plan.baseLayers, plan.maxLayers);
      memo[key] = level;
    }
    out[i] = level;
  }
  return out;
}

/** The picture a relief of these layer counts shows, as sRGB planes (0..1). */
export function predictPicture(layers: ArrayLike<number>, width: number, height: number, plan: SwapPlan): RgbPlanes {
  const n = width * height;
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  const srgb = levelSrgb(plan.levelColours);
  for (let i = 0; i < n; i++) {
    const level = Math.max(0, Math.min(plan.maxLayers, Math.round(layers[i])));
    r[i] = srgb[3 * level];
    g[i] = srgb[3 * level + 1];
    b[i] = srgb[3 * level + 2];
  }
  return { width, height, r, g, b };
}

/** Mean ΔE00 between two pictures of the same size, pixel by pixel. */
export function meanDeltaE(a: RgbPlanes, b: RgbPlanes): number {
  const n = a.width * a.height;
  const la: [number, number, number] = [0, 0, 0];
  const lb: [number, number, number] = [0, 0, 0];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    toLab(a, i, la);
    toLab(b, i, lb);
    sum += ciede2000(la[0], la[1], la[2], lb[0], lb[1], lb[2]);
  }
  return n === 0 ? 0 : sum / n;
}

function toLab(p: RgbPlanes, i: number, out: [number, number, number]): void {
  linearRgbToLab(srgbChannelToLinear(p.r[i]), srgbChannelToLinear(p.g[i]), srgbChannelToLinear(p.b[i]), out);
}

function levelSrgb(levelColours: Float64Array): Float32Array {
  const out = new Float32Array(levelColours.length);
  for (let i = 0; i < out.length; i++) {
    const v = Math.min(1, Math.max(0, levelColours[i]));
    out[i] = v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055;
  }
  return out;
}

interface ColourBins {
  lab: Float64Array;
  weight: Float64Array;
  count: number;
}

function binColours(p: RgbPlanes): ColourBins {
  const sums = new Float64Array(4096 * 4);
  const n = p.width * p.height;
  for (let i = 0; i < n; i++) {
    const key = (q4(p.r[i]) << 8) | (q4(p.g[i]) << 4) | q4(p.b[i]);
    sums[4 * key] += p.r[i];
    sums[4 * key + 1] += p.g[i];
    sums[4 * key + 2] += p.b[i];
    sums[4 * key + 3]++;
  }
  const lab: number[] = [];
  const weight: number[] = [];
  const out: [number, number, number] = [0, 0, 0];
  for (let key = 0; key < 4096; key++) {
    const w = sums[4 * key + 3];
    if (w === 0) continue;
    const c = (v: number) => srgbChannelToLinear(v / w);
    linearRgbToLab(c(sums[4 * key]), c(sums[4 * key + 1]), c(sums[4 * key + 2]), out);
    lab.push(out[0], out[1], out[2]);
    weight.push(w);
  }
  return { lab: Float64Array.from(lab), weight: Float64Array.from(weight), count: weight.length };
}

function levelLabOf(filaments: readonly Filament[], swaps: number[], opts: SwapPlanOptions): Float64Array {
  return labOfLevels(stackColours(filaments, swaps, opts.layerHeightMm, opts.maxLayers));
}

function labOfLevels(colours: Float64Array): Float64Array {
  const out = new Float64Array(colours.length);
  const lab: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < colours.length; i += 3) {
    linearRgbToLab(colours[i], colours[i + 1], colours[i + 2], lab);
    out[i] = lab[0];
    out[i + 1] = lab[1];
    out[i + 2] = lab[2];
  }
  return out;
}

function binnedError(bins: ColourBins, levelLab: Float64Array, lo: number, hi: number): number {
  let sum = 0;
  let total = 0;
  for (let b = 0; b < bins.count; b++) {
    const l = bins.lab[3 * b];
    const a = bins.lab[3 * b + 1];
    const bb = bins.lab[3 * b + 2];
    let best = Infinity;
    for (let level = lo; level <= hi; level++) {
      const d = ciede2000(l, a, bb, levelLab[3 * level], levelLab[3 * level + 1], levelLab[3 * level + 2]);
      if (d < best) best = d;
    }
    sum += best * bins.weight[b];
    total += bins.weight[b];
  }
  return total === 0 ? 0 : sum / total;
}

function nearestLevel(l: number, a: number, b: number, levelLab: Float64Array, lo: number, hi: number): number {
  let best = lo;
  let bestD = Infinity;
  for (let level = lo; level <= hi; level++) {
    const d = ciede2000(l, a, b, levelLab[3 * level], levelLab[3 * level + 1], levelLab[3 * level + 2]);
    if (d < bestD) {
      bestD = d;
      best = level;
    }
  }
  return best;
}

function q4(v: number): number {
  return Math.min(15, Math.max(0, Math.floor(v * 16)));
}

function q6(v: number): number {
  return Math.min(63, Math.max(0, Math.floor(v * 64)));
}
