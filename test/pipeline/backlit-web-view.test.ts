import { describe, expect, it } from 'vitest';
import { FILAMENT_LIBRARY } from '../../src/pipeline/colour/filaments.ts';
import { backlitOptionsForFilament } from '../../src/pipeline/preview/filament-backlit.ts';
import { channelAttenuation } from '../../web/app/backlit.ts';

describe('the web backlit view', () => {
  it("attenuates each channel as the server's backlit.png does, for every library filament", () => {
    for (const f of FILAMENT_LIBRARY) {
      const server = backlitOptionsForFilament(f);
      const web = channelAttenuation(f, 0.9);
      for (let c = 0; c < 3; c++) expect(web[c]).toBeCloseTo(server.attenuationPerMm * server.channelAttenuation[c], 9);
    }
  });

  it('keeps the white-PLA constant when no filament is chosen', () => {
    expect(channelAttenuation(undefined, 0.9)).toEqual([0.9, 0.9, 0.9]);
  });
});
