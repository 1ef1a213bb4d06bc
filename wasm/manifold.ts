/**
 * The one place manifold-3d's WASM module is loaded. Everything else receives the module as a
 * parameter (glTF-Transform's habit), so the pipeline stays pure and a worker can discard an
 * instance whose heap was damaged. The compiled module comes from `#wasm-binaries`: the package's
 * file on Node, a .wasm import in a Worker bundle (binaries.workerd.ts).
 */
import Module from 'manifold-3d';
import type { ManifoldToplevel } from 'manifold-3d';
import { manifoldWasm, startEmscripten } from '#wasm-binaries';
import { runEmscripten } from './instantiate.ts';

export type { ManifoldToplevel };

let compiled: Promise<WebAssembly.Module> | undefined;

/** A fresh module instance (workers use this after a WASM fault); the compiled code is reused, the heap is new. */
export async function loadManifold(): Promise<ManifoldToplevel> {
  compiled ??= manifoldWasm();
  // manifold-3d types its options as `{ locateFile }` only; Emscripten takes instantiateWasm too.
  const wasm = await runEmscripten(
    (options) => startEmscripten(() => Module(options as unknown as Parameters<typeof Module>[0])),
    await compiled,
  );
  wasm.setup();
  return wasm;
}

let shared: Promise<ManifoldToplevel> | undefined;

/** One module per thread for ordinary use. */
export function sharedManifold(): Promise<ManifoldToplevel> {
  shared ??= loadManifold();
  return shared;
}

/** Drops the shared instance (after an out-of-bounds or abort inside WASM). */
export function discardSharedManifold(): void {
  shared = undefined;
}
