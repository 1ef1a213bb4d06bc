// Written by scripts/extract-meshopt-wasm.ts: the byte lengths of the .wasm files beside this one.
export const MESHOPT_WASM_BYTES = { encoder: 14703, decoder: 12273 };
