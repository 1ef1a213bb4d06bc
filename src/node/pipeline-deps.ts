/** Node composition of the pipeline's dependencies: sharp, manifold-3d, the triangulator, clocks. */
import { performance } from 'node:perf_hooks';
import { sharedManifold } from '../../wasm/manifold.ts';
import type { PipelineDeps } from '../pipeline/run-pipeline.ts';
import type { StageHooks } from '../pipeline/stage-timer.ts';
import { triangulateGreedy } from '../pipeline/triangulate/greedy.ts';
import { sharpImageCodec } from '../repositories/media/sharp-image-codec.ts';
import { readFontFile } from './fonts.ts';

/** The bundled font (0.5 MB), read once per thread for lithophane frame text. */
let bundledFont: Promise<Uint8Array> | undefined;

export async function nodePipelineDeps(hooks: Partial<StageHooks> = {}): Promise<PipelineDeps> {
  return {
    codec: sharpImageCodec,
    manifold: await sharedManifold(),
    triangulate: triangulateGreedy,
    font: await (bundledFont ??= readFontFile()),
    clock: () => performance.now(),
    memory: () => process.memoryUsage.rss(),
    ...hooks,
  };
}
