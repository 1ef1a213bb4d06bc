import { describe, expect, it } from 'vitest';
import { parseFilament } from '../../src/pipeline/colour/filaments.ts';
import type { Filament } from '../../src/pipeline/colour/filaments.ts';
import type { Heightmap } from '../../src/pipeline/heightmap.ts';
import { renderBacklit } from '../../src/pipeline/preview/backlit.ts';
import { backlitOptionsForFilament } from '../../src/pipeline/preview/filament-backlit.ts';

const filament = (id: string) => parseFilament(id) as Filament;

/** A thickness ramp 0.8..3.2 mm left to right: a lithophane of a grey gradient. */
function ramp(): Heightmap {
  const width = 120,
    height = 10;
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) values[y * width + x] = 0.8 + (x / (width - 1)) * 2.4;
  return { width, height, values };
}

function meanRgb(img: { width: number; height: number; data: Uint8Array }, x0: number, x1: number): number[] {
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = 0; y < img.height; y++)
    for (let x = x0; x < x1; x++) {
      for (let c = 0; c < 3; c++) sum[c] += img.data[(y * img.width + x) * 4 + c];
      n++;
    }
  return sum.map((s) => s / n);
}

describe('backlit preview in the chosen filament', () => {
  it('attenuates every channel alike for white PLA, at ln 10 / TD per mm', () => {
    const white = backlitOptionsForFilament(filament('white'));
    expect(white.attenuationPerMm).toBeCloseTo(Math.LN10 / 3.5, 6);
    // #f4f4f2 is a touch warm: blue is stopped a little more, as the fixed white-PLA tint had it.
    for (const w of white.channelAttenuation) expect(Math.abs(w - 1)).toBeLessThan(0.2);
  });

  it('lets red through a red filament and stops green and blue', () => {
    const red = backlitOptionsForFilament(filament('red'));
    expect(red.channelAttenuation[0]).toBeLessThan(0.5 * red.channelAttenuation[1]);
    expect(red.channelAttenuation[0]).toBeLessThan(0.5 * red.channelAttenuation[2]);
  });

  it('shows the same picture redder in red PLA than in white, most in the thick parts', () => {
    const map = ramp();
    const white = renderBacklit(map, backlitOptionsForFilament(filament('white')));
    const red = renderBacklit(map, backlitOptionsForFilament(filament('red')));
    const ratio = (rgb: number[]) => rgb[0] / Math.max(1, rgb[1]);
    // Middle and thick thirds: red over green rises well above white PLA's.
    for (const [x0, x1] of [
      [40, 80],
      [80, 120],
    ]) {
      const w = meanRgb(white, x0, x1),
        r = meanRgb(red, x0, x1);
      expect(ratio(r)).toBeGreaterThan(1.5 * ratio(w));
      expect(r[1]).toBeLessThan(w[1]);
    }
    // A neutral filament stays near neutral over the lamp's own tint.
    const w = meanRgb(white, 40, 80);
    expect(ratio(w)).toBeLessThan(1.6);
  });

  it('takes a user filament written Name:#RRGGBB:TD', () => {
    const blue = backlitOptionsForFilament(filament('Deep blue:#1030c0:1.5'));
    expect(blue.channelAttenuation[2]).toBeLessThan(blue.channelAttenuation[0]);
    expect(blue.attenuationPerMm).toBeCloseTo(Math.LN10 / 1.5, 6);
  });
});
