/**
 * The compiled WebAssembly modules in a Worker bundle, chosen by the `workerd` condition of
 * `#wasm-binaries` (package.json "imports"; wrangler's esbuild resolves with it). workerd refuses to
 * compile WASM at run time ("Wasm code generation disallowed by embedder"), so every module is a
 * .wasm import, which the bundler hands to workerd as a module compiled at upload.
 */
import './meshopt-precompiled.workerd.ts';
import dracoDecoder from 'draco3dgltf/draco_decoder_gltf.wasm';
import manifold from 'manifold-3d/manifold.wasm';

export const manifoldWasm = async (): Promise<WebAssembly.Module> => manifold;
export const dracoDecoderWasm = async (): Promise<WebAssembly.Module> => dracoDecoder;

/**
 * Starts an Emscripten factory with `process` hidden. workerd has a `process` (with nodejs_compat,
 * and at recent compatibility dates without it), so manifold-3d and draco take their Node branch and
 * reach for createRequire(import.meta.url) and fs, which a bundle does not have. They look once,
 * synchronously, when the factory is called; without `process` they take the web branch, where the
 * instantiateWasm hook supplies the module and nothing is fetched.
 */
export function startEmscripten<T>(start: () => T): T {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process');
  if (!descriptor) return start();
  Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
  try {
    return start();
  } finally {
    Object.defineProperty(globalThis, 'process', descriptor);
  }
}
