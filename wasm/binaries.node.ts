/**
 * The compiled WebAssembly modules on Node, chosen by the `#wasm-binaries` import condition
 * (package.json "imports"): Node may compile at run time, so each module is compiled from the file
 * its package ships. meshoptimizer needs nothing here: on Node it compiles its inlined WASM itself.
 * The workerd twin (binaries.workerd.ts) answers the same functions from .wasm imports.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const compileFile = async (specifier: string) => WebAssembly.compile(await readFile(require.resolve(specifier)));

export const manifoldWasm = (): Promise<WebAssembly.Module> => compileFile('manifold-3d/manifold.wasm');
export const dracoDecoderWasm = (): Promise<WebAssembly.Module> => compileFile('draco3dgltf/draco_decoder_gltf.wasm');

/** Starts an Emscripten factory; on Node, as it is (the workerd twin hides `process` from it). */
export const startEmscripten = <T>(start: () => T): T => start();
