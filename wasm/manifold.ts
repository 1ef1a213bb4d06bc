/**
 * The one place manifold-3d's WASM module is loaded. Everything else receives the module as a
 * parameter (glTF-Transform's habit), so the pipeline stays pure and a worker can discard an
 * instance whose heap was damaged.
 */
import Module from 'manifold-3d';
import type { ManifoldToplevel } from 'manifold-3d';

export type { ManifoldToplevel };

let shared: Promise<ManifoldToplevel> | undefined;

/** A fresh module instance (workers use this after a WASM fault). */
export async function loadManifold(): Promise<ManifoldToplevel> {
  const wasm = await Module();
  wasm.setup();
  return wasm;
}

/** One module per thread for ordinary use. */
export function sharedManifold(): Promise<ManifoldToplevel> {
  shared ??= loadManifold();
  return shared;
}

/** Drops the shared instance (after an out-of-bounds or abort inside WASM). */
export function discardSharedManifold(): void {
  shared = undefined;
}
