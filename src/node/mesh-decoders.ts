/**
 * Node composition of the decoders compressed GLBs need (Draco and meshopt, both WASM): created
 * once per thread on first use and handed to the pure pipeline as GlbDecoders.
 */
import draco3d from 'draco3dgltf';
import { MeshoptDecoder } from 'meshoptimizer';
import type { GlbDecoders } from '../pipeline/import/glb.ts';

let shared: Promise<GlbDecoders> | undefined;

export function sharedGlbDecoders(): Promise<GlbDecoders> {
  shared ??= (async () => {
    const [draco] = await Promise.all([draco3d.createDecoderModule(), MeshoptDecoder.ready]);
    return { draco, meshopt: MeshoptDecoder };
  })();
  return shared;
}
