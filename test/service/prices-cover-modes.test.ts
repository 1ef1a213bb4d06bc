/**
 * Every mode the catalogue offers (GET /api/v1/modes, the create page's choices) has a price: a mode
 * without one is refused at its dry run ("mode colour-relief has no price"), so the web page could
 * show it but never make it.
 */
import { describe, expect, it } from 'vitest';
import { MODE_CATALOG } from '../../src/pipeline/catalog/modes.ts';
import { DEFAULT_PRICES, priceJob } from '../../src/services/pricing.ts';

describe('the default price table', () => {
  it('prices every mode of the catalogue', () => {
    const unpriced = MODE_CATALOG.modes.map((m) => m.mode).filter((mode) => priceJob(mode, {}, DEFAULT_PRICES) === undefined);
    expect(unpriced).toEqual([]);
  });
});
