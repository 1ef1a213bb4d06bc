/**
 * Writes meshoptimizer's WebAssembly to wasm/binaries/ as .wasm files. meshoptimizer ships its
 * WASM inlined in its JavaScript and compiles it at load time, which workerd forbids ("Wasm code
 * generation disallowed by embedder"): a Worker may only instantiate modules its bundle imports as
 * .wasm. So the bytes are captured here, the way meshoptimizer itself hands them to
 * WebAssembly.instantiate, and committed; test/wasm/wasm-modules.test.ts fails when an upgrade of
 * meshoptimizer changes them and this script needs running again:
 *
 *   npx node scripts/extract-meshopt-wasm.ts
 */
import { writeFile } from 'node:fs/promises';
import { captureMeshoptWasm } from '../wasm/capture-meshopt-wasm.ts';

const captured = await captureMeshoptWasm();
for (const [name, bytes] of Object.entries(captured)) {
  const file = new URL(`../wasm/binaries/meshopt-${name}.wasm`, import.meta.url);
  await writeFile(file, bytes);
  console.log(`${file.pathname}: ${bytes.byteLength} bytes`);
}
const sizes = `{ encoder: ${captured.encoder.byteLength}, decoder: ${captured.decoder.byteLength} }`;
await writeFile(
  new URL('../wasm/binaries/meshopt-sizes.ts', import.meta.url),
  `// Written by scripts/extract-meshopt-wasm.ts: the byte lengths of the .wasm files beside this one.\nexport const MESHOPT_WASM_BYTES = ${sizes};\n`,
);
