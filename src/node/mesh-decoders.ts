/**
 * Node composition of the decoders compressed GLBs need (Draco and meshopt, both WASM, loaded in
 * wasm/): created once per thread on first use and handed to the pure pipeline as GlbDecoders.
 */
import { loadDracoDecoder } from '../../wasm/draco-decoder.ts';
import { loadMeshoptDecoder } from '../../wasm/meshopt-decoder.ts';
import type { GlbDecoders } from '../pipeline/import/glb.ts';

let shared: Promise<GlbDecoders> | undefined;

export function sharedGlbDecoders(): Promise<GlbDecoders> {
  shared ??= (async () => {
    const [draco, meshopt] = await Promise.all([loadDracoDecoder(), loadMeshoptDecoder()]);
    return { draco, meshopt };
  })();
  return shared;
}
