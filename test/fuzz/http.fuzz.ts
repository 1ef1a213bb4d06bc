/** Time-budgeted fuzzing of multipart uploads, JSON request bodies and params (npm run test:fuzz). */
import { afterAll, describe } from 'vitest';
import { closeHttpContext, HTTP_TARGETS } from './lib/targets-http.ts';
import { fuzzSuite } from './lib/suite.ts';

describe('fuzz: HTTP bodies', () => {
  afterAll(closeHttpContext);
  fuzzSuite(HTTP_TARGETS);
});
