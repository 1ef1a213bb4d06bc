/** Time-budgeted fuzzing of image headers and decoding through sharp (npm run test:fuzz). */
import { describe } from 'vitest';
import { IMAGE_TARGETS } from './lib/targets-image.ts';
import { fuzzSuite } from './lib/suite.ts';

describe('fuzz: images', () => fuzzSuite(IMAGE_TARGETS));
