/**
 * Runs an Emscripten module factory on a module compiled elsewhere (from the package's file on
 * Node, by the bundler on workerd) through its `instantiateWasm` hook, instead of letting the
 * loader look for the file, which it would do with Node's fs, or with fetch in a Worker: one code
 * path on both. The hook has no way to report a failure, so one ends the race instead of leaving
 * the factory's promise pending for ever.
 */
type InstantiateWasm = (
  imports: WebAssembly.Imports,
  receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
) => Record<string, never>;

export function runEmscripten<T>(
  factory: (options: { instantiateWasm: InstantiateWasm }) => Promise<T>,
  compiled: WebAssembly.Module,
): Promise<T> {
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const instantiateWasm: InstantiateWasm = (imports, receive) => {
    WebAssembly.instantiate(compiled, imports).then((instance) => receive(instance, compiled), fail);
    return {};
  };
  return Promise.race([factory({ instantiateWasm }), failed]);
}
