/**
 * meshoptimizer's encoder (EXT_meshopt_compression, the widget's compact GLB). It compiles its own
 * inlined WASM on Node; in a Worker bundle `#wasm-binaries` first teaches WebAssembly.instantiate to
 * answer with the precompiled copy (meshopt-precompiled.workerd.ts), so that import comes first.
 */
import '#wasm-binaries';
import { MeshoptEncoder } from 'meshoptimizer/encoder';

export type MeshoptEncoderModule = typeof MeshoptEncoder;

/** The encoder once its WASM is ready. */
export async function loadMeshoptEncoder(): Promise<MeshoptEncoderModule> {
  await MeshoptEncoder.ready;
  return MeshoptEncoder;
}
