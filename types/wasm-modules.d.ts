// A .wasm import in a Worker bundle: the bundler (wrangler's esbuild) ships it as a module workerd
// compiles at upload, and the import is that WebAssembly.Module. Only wasm/*.workerd.ts use them.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
