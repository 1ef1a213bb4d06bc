/** Time-budgeted fuzzing of the mesh importers and sniffers (npm run test:fuzz). */
import { describe } from 'vitest';
import { MESH_TARGETS } from './lib/targets-mesh.ts';
import { fuzzSuite } from './lib/suite.ts';

describe('fuzz: mesh importers', () => fuzzSuite(MESH_TARGETS));
