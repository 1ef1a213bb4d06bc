/**
 * Backlit-preview settings for a lithophane printed in a given filament (issue 17): the light
 * through d mm of it falls off as 10^(-d / TD) (the TD model of colour/stack-colour.ts, so
 * k = ln 10 / TD per mm on average), and per channel in proportion to how much of that channel the
 * filament absorbs: k_c = (ln 10 / TD) · a_c / mean(a), with a_c = -ln(linear channel c of the
 * filament's colour). A neutral filament (white, grey) attenuates every channel alike; a red one
 * lets red through and stops green and blue, so its thick parts glow red and its thin parts,
 * where little is absorbed at all, stay near the lamp's colour, as a lit red lithophane does.
 * Measured: white PLA (TD 3.5) gives k ≈ 0.66 /mm neutral; red PLA (TD 2.2) k ≈ (0.24, 1.5, 1.4)
 * × 1.05 /mm.
 */
import type { Filament } from '../colour/filaments.ts';
import { filamentLinearRgb } from '../colour/stack-colour.ts';
import type { BacklitOptions } from './backlit.ts';

/** A channel this dark (linear) counts as fully absorbing: keeps -ln finite for #000 channels. */
const DARKEST_CHANNEL = 0.005;
/** A channel this bright still absorbs a little: keeps a pure #fff filament's weights defined. */
const BRIGHTEST_CHANNEL = 0.99;

export function backlitOptionsForFilament(filament: Filament): Pick<BacklitOptions, 'attenuationPerMm' | 'channelAttenuation'> {
  const absorb = filamentLinearRgb(filament).map((v) => -Math.log(Math.min(BRIGHTEST_CHANNEL, Math.max(DARKEST_CHANNEL, v))));
  const mean = (absorb[0] + absorb[1] + absorb[2]) / 3;
  return {
    attenuationPerMm: Math.LN10 / filament.tdMm,
    channelAttenuation: [absorb[0] / mean, absorb[1] / mean, absorb[2] / mean],
  };
}
