/**
 * Per-pixel filament thicknesses for a colour lithophane (issue 17), after PIXEstL: cyan, magenta
 * and yellow layers tint the light and a white texture layer carries the luminance.
 *
 * Method: light through the stack is Beer-Lambert per channel, T_c = exp(-Σ_f k_fc · d_f), with each
 * filament's k_fc from its colour and TD (preview/filament-backlit.ts), so a stack's optical depth
 * is linear in the thicknesses. A picture colour (sRGB → linear p_c) asks for depth
 * D_c = -ln p_c above the thinnest stack's. Every colour filament gets 1..maxLayers whole layers
 * (at least one, so each body is a closed solid of positive thickness everywhere; one 0.1 mm layer
 * of a TD-3 filament passes ~93% of the light); for each of the maxLayers³ combinations the white
 * thickness that best fits the rest is closed-form least squares, clamped to its range, and the
 * combination with the smallest squared depth error wins. Pictures repeat colours, so results are
 * cached per colour quantised to 1/64: 12³ combinations × the distinct colours of a 250×180 photo
 * (a few thousand) stays well under a second.
 */
import type { Filament } from './filaments.ts';
import type { RgbPlanes } from './swap-plan.ts';
import { backlitOptionsForFilament } from '../preview/filament-backlit.ts';
import { srgbChannelToLinear } from './lab.ts';

export interface CmyDecomposeOptions {
  /** The colour filaments, bottom to top (cyan, magenta, yellow, optionally black). */
  colours: Filament[];
  /** The texture filament (white). */
  texture: Filament;
  layerHeightMm: number;
  /** Most layers of each colour filament (each has at least one). */
  maxLayers: number;
  /** Texture thickness range, mm. */
  textureMinMm: number;
  textureMaxMm: number;
}

export interface CmyDecomposition {
  width: number;
  height: number;
  /** Layer counts per colour filament, one array per filament. */
  layers: Uint8Array[];
  /** Texture thickness per sample, mm. */
  textureMm: Float32Array;
}

/** Per-channel attenuation per mm of a filament, in the backlit model. */
export function filamentAttenuation(f: Filament): [number, number, number] {
  const o = backlitOptionsForFilament(f);
  return [0, 1, 2].map((c) => o.attenuationPerMm * o.channelAttenuation[c]) as [number, number, number];
}

/** Deepest optical depth asked of a channel: a picture's black is "as dark as the stack gets". */
const MAX_DEPTH = Math.log(100);

export function decomposeCmy(picture: RgbPlanes, options: CmyDecomposeOptions): CmyDecomposition {
  const { colours, texture, layerHeightMm: lh, maxLayers, textureMinMm, textureMaxMm } = options;
  const kf = colours.map(filamentAttenuation);
  const kw = filamentAttenuation(texture);
  const kwNorm = kw[0] * kw[0] + kw[1] * kw[1] + kw[2] * kw[2];
  const n = picture.width * picture.height;
  const layers = colours.map(() => new Uint8Array(n));
  const textureMm = new Float32Array(n);
  const cache = new Map<number, { counts: number[]; white: number }>();
  const combos = maxLayers ** colours.length;

  const solve = (target: number[]): { counts: number[]; white: number } => {
    let best = { counts: colours.map(() => 1), white: textureMinMm };
    let bestError = Infinity;
    const counts = colours.map(() => 1);
    const r = [0, 0, 0];
    for (let combo = 0; combo < combos; combo++) {
      let rest = combo;
      for (let f = 0; f < colours.length; f++) {
        counts[f] = 1 + (rest % maxLayers);
        rest = Math.floor(rest / maxLayers);
      }
      for (let c = 0; c < 3; c++) {
        let depth = kw[c] * textureMinMm;
        for (let f = 0; f < colours.length; f++) depth += kf[f][c] * (counts[f] - 1) * lh;
        r[c] = target[c] - depth;
      }
      // Extra white beyond its minimum: least squares along kw, clamped to the range.
      const extra = Math.min(textureMaxMm - textureMinMm, Math.max(0, (r[0] * kw[0] + r[1] * kw[1] + r[2] * kw[2]) / kwNorm));
      let error = 0;
      for (let c = 0; c < 3; c++) error += (r[c] - kw[c] * extra) ** 2;
      if (error < bestError) {
        bestError = error;
        best = { counts: [...counts], white: textureMinMm + extra };
      }
    }
    return best;
  };

  for (let i = 0; i < n; i++) {
    const q = [picture.r[i], picture.g[i], picture.b[i]].map((v) => Math.round(Math.min(1, Math.max(0, v)) * 64));
    const key = (q[0] * 65 + q[1]) * 65 + q[2];
    let hit = cache.get(key);
    if (!hit) {
      // Depth asked above the thinnest stack (which shows the lamp as white).
      hit = solve(q.map((v) => Math.min(MAX_DEPTH, -Math.log(Math.max(1e-6, srgbChannelToLinear(v / 64))))));
      cache.set(key, hit);
    }
    for (let f = 0; f < colours.length; f++) layers[f][i] = hit.counts[f];
    textureMm[i] = hit.white;
  }
  return { width: picture.width, height: picture.height, layers, textureMm };
}

/**
 * The backlit colour of each sample (sRGB 0..1), relative to the thinnest stack: what the print
 * shows in front of a white lamp, for colour.png and the bench.
 */
export function predictBacklit(d: CmyDecomposition, options: CmyDecomposeOptions): RgbPlanes {
  const kf = options.colours.map(filamentAttenuation);
  const kw = filamentAttenuation(options.texture);
  const n = d.width * d.height;
  const planes = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      let depth = kw[c] * (d.textureMm[i] - options.textureMinMm);
      for (let f = 0; f < kf.length; f++) depth += kf[f][c] * (d.layers[f][i] - 1) * options.layerHeightMm;
      planes[c][i] = linearToSrgb(Math.exp(-depth));
    }
  }
  return { width: d.width, height: d.height, r: planes[0], g: planes[1], b: planes[2] };
}

function linearToSrgb(x: number): number {
  return x <= 0.0031308 ? x * 12.92 : 1.055 * x ** (1 / 2.4) - 0.055;
}
