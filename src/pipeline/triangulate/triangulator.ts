/** The triangulator a mode receives: the JS kernel, a WASM kernel, or the full grid for baselines. */
import type { SurfaceTriangulation, TriangulateOptions } from './types.ts';

export type Triangulator = (
  heights: Float32Array,
  width: number,
  height: number,
  options: Partial<TriangulateOptions>,
) => SurfaceTriangulation;
