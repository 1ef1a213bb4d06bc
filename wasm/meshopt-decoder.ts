/**
 * meshoptimizer's decoder (GLBs with EXT_meshopt_compression). Loaded as the encoder is
 * (meshopt-encoder.ts): its own inlined WASM on Node, the precompiled copy in a Worker bundle.
 */
import '#wasm-binaries';
import { MeshoptDecoder } from 'meshoptimizer/decoder';

export type MeshoptDecoderModule = typeof MeshoptDecoder;

/** The decoder once its WASM is ready. */
export async function loadMeshoptDecoder(): Promise<MeshoptDecoderModule> {
  await MeshoptDecoder.ready;
  return MeshoptDecoder;
}
