/**
 * The WebAssembly bytes meshoptimizer's encoder and decoder compile when they load (inlined in
 * their JavaScript), caught on their way to WebAssembly.instantiate. Node-side tooling only: the
 * extraction script and the test that the committed .wasm files are current.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export async function captureMeshoptWasm(): Promise<{ encoder: Uint8Array; decoder: Uint8Array }> {
  const seen: Uint8Array[] = [];
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = ((source: BufferSource, imports?: WebAssembly.Imports) => {
    seen.push(
      new Uint8Array(
        ArrayBuffer.isView(source) ? source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength) : source.slice(0),
      ),
    );
    return instantiate(source, imports);
  }) as typeof WebAssembly.instantiate;
  try {
    // A query string makes each a fresh module instance, so it loads (and compiles) again even if imported before.
    const fresh = (specifier: string) => `${pathToFileURL(createRequire(import.meta.url).resolve(specifier)).href}?capture=${Date.now()}`;
    await import(fresh('meshoptimizer/encoder')).then((m) => m.MeshoptEncoder.ready);
    const encoder = seen.shift();
    await import(fresh('meshoptimizer/decoder')).then((m) => m.MeshoptDecoder.ready);
    const decoder = seen.shift();
    if (!encoder || !decoder) throw new Error('capture-meshopt-wasm: meshoptimizer compiled no WebAssembly');
    return { encoder, decoder };
  } finally {
    WebAssembly.instantiate = instantiate;
  }
}
