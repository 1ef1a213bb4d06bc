/**
 * meshoptimizer compiles the WASM inlined in its JavaScript as it loads, which workerd refuses. Its
 * bytes are committed as .wasm files (scripts/extract-meshopt-wasm.ts), imported here so the
 * bundler ships them compiled, and WebAssembly.instantiate is taught to answer meshoptimizer's own
 * bytes with those modules. It must run before meshoptimizer's modules evaluate: wasm/meshopt-*.ts
 * import `#wasm-binaries` (which imports this) first. Any other source goes to the real
 * instantiate, which refuses it as before.
 */
import meshoptDecoder from './binaries/meshopt-decoder.wasm';
import meshoptEncoder from './binaries/meshopt-encoder.wasm';
import { MESHOPT_WASM_BYTES } from './binaries/meshopt-sizes.ts';

const precompiled = new Map<number, WebAssembly.Module>([
  [MESHOPT_WASM_BYTES.encoder, meshoptEncoder],
  [MESHOPT_WASM_BYTES.decoder, meshoptDecoder],
]);

const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = ((source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => {
  const module = source instanceof WebAssembly.Module ? undefined : precompiled.get(source.byteLength);
  if (!module) return instantiate(source as BufferSource, imports);
  return instantiate(module, imports).then((instance) => ({ instance, module }));
}) as typeof WebAssembly.instantiate;
