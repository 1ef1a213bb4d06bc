/**
 * The fuzz smoke run inside npm test: every fuzz target (test/fuzz/lib) for a fixed, small number
 * of seeded cases (~800 in all, a few seconds), so a parser regression fails the ordinary tests.
 * The time-budgeted run is npm run test:fuzz (FUZZ_SECONDS, default 60).
 */
import { afterAll, describe } from 'vitest';
import { IMAGE_TARGETS } from '../fuzz/lib/targets-image.ts';
import { closeHttpContext, HTTP_TARGETS } from '../fuzz/lib/targets-http.ts';
import { MESH_TARGETS } from '../fuzz/lib/targets-mesh.ts';
import { useCorpusSeeds } from '../fuzz/lib/seeds.ts';
import { fuzzSuite } from '../fuzz/lib/suite.ts';

// npm test never reads ../shared (vitest.config.ts): generated seeds and fixtures only.
useCorpusSeeds(false);

const CASES: Record<string, number> = {
  sniff: 60,
  stl: 60,
  obj: 60,
  ply: 60,
  threemf: 15,
  glb: 30,
  'read-mesh': 40,
  'image-header': 40,
  'image-decode': 25,
  multipart: 40,
  'upload-route': 40,
  'jobs-json': 60,
  'checkout-json': 25,
  'webhook-json': 60,
  params: 150,
};

describe('fuzz smoke: mesh importers', () => fuzzSuite(MESH_TARGETS, { casesPerTarget: CASES }));
describe('fuzz smoke: images', () => fuzzSuite(IMAGE_TARGETS, { casesPerTarget: CASES }));
describe('fuzz smoke: HTTP bodies', () => {
  afterAll(closeHttpContext);
  fuzzSuite(HTTP_TARGETS, { casesPerTarget: CASES });
});
