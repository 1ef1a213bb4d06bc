/**
 * The Draco decoder (draco3dgltf's glTF build), for GLBs with KHR_draco_mesh_compression. The
 * compiled module comes from `#wasm-binaries`, as manifold's does; the decoder is handed to the
 * pipeline (GlbDecoders), never loaded there.
 */
import createDecoderModule from 'draco3dgltf/draco_decoder_gltf_nodejs.js';
import { dracoDecoderWasm, startEmscripten } from '#wasm-binaries';
import { runEmscripten } from './instantiate.ts';

/** A decoder module instance, as glTF-Transform's `draco3d.decoder` dependency wants it. */
export async function loadDracoDecoder(): Promise<unknown> {
  return runEmscripten((options) => startEmscripten(() => createDecoderModule(options)), await dracoDecoderWasm());
}
