/**
 * wasm/ works for both runtimes: the same modules load on Node (the other suites) and from a
 * Worker bundle. Here test/wasm/bundle-entry.ts is bundled with esbuild the way wrangler does it
 * (workerd conditions, .wasm imports kept as modules workerd compiles), run in workerd through
 * Miniflare, and each WASM module does real work there. Also checks the committed meshoptimizer
 * .wasm files are the bytes the installed meshoptimizer compiles (else run
 * scripts/extract-meshopt-wasm.ts).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { Miniflare } from 'miniflare';
import { describe, expect, it } from 'vitest';
import { MESHOPT_WASM_BYTES } from '../../wasm/binaries/meshopt-sizes.ts';
import { captureMeshoptWasm } from '../../wasm/capture-meshopt-wasm.ts';

const require = createRequire(import.meta.url);

/** As wrangler does: a .wasm import stays an import, and the file goes beside the bundle as a compiled module. */
function wasmModules(files: Map<string, string>): Plugin {
  return {
    name: 'wasm-modules',
    setup(build) {
      build.onResolve({ filter: /\.wasm$/ }, (args) => {
        const path = args.path.startsWith('.') ? require.resolve(`${args.resolveDir}/${args.path}`) : require.resolve(args.path);
        const name = basename(path);
        files.set(name, path);
        return { path: `./${name}`, external: true };
      });
    },
  };
}

async function bundleForWorkerd() {
  const wasm = new Map<string, string>();
  const result = await build({
    entryPoints: [new URL('./bundle-entry.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // wrangler's resolution: workerd first, then worker and browser builds, then main.
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    // Emscripten's Node branch requires these; it never runs in workerd (no `process` there).
    external: ['fs', 'path', 'crypto', 'node:*'],
    plugins: [wasmModules(wasm)],
    logLevel: 'silent',
  });
  const modules: Record<string, { type: 'esm' | 'wasm'; contents: string | Uint8Array<ArrayBuffer> }> = {
    'worker.js': { type: 'esm', contents: result.outputFiles[0]!.text },
  };
  for (const [name, path] of wasm) modules[name] = { type: 'wasm', contents: new Uint8Array(await readFile(path)) };
  return { modules, wasmFiles: [...wasm.keys()].sort(), bytes: result.outputFiles[0]!.contents.byteLength };
}

describe('wasm/ in a Worker bundle', () => {
  // nodejs_compat: the API Worker needs it (better-auth), and it gives the Emscripten loaders a `process`.
  it.each([[[]], [['nodejs_compat']]])(
    'esbuild bundles it for workerd with every WASM as a module import, and each works there (flags %j)',
    async (compatibilityFlags: string[]) => {
      const { modules, wasmFiles } = await bundleForWorkerd();
      expect(wasmFiles).toEqual(['draco_decoder_gltf.wasm', 'manifold.wasm', 'meshopt-decoder.wasm', 'meshopt-encoder.wasm']);

      const mf = new Miniflare({
        workers: [
          {
            config: {
              name: 'wasm-bundle',
              compatibilityDate: '2026-11-01',
              compatibilityFlags,
              manifest: { mainModule: 'worker.js', modules },
            },
          },
        ],
      });
      try {
        const bunny = await readFile(require.resolve('draco3dgltf/bunny.drc'));
        const res = await mf.dispatchFetch('http://wasm.test/', { method: 'POST', body: bunny });
        const text = await res.text();
        expect(res.status, text).toBe(200);
        const answer = JSON.parse(text);
        // A centred 10 x 20 x 30 box less a sphere of radius 4 inside it (a 32-segment polygonal one: a little under 4/3 pi r^3).
        const sphere = (4 / 3) * Math.PI * 4 ** 3;
        expect(answer.solid.status).toBe('NoError');
        expect(answer.solid.volume).toBeGreaterThan(6000 - sphere);
        expect(answer.solid.volume).toBeLessThan(6000 - 0.9 * sphere);
        expect(answer.meshopt.roundTrip).toBe(true);
        expect(answer.meshopt.encodedBytes).toBeGreaterThan(0);
        // The Stanford bunny Draco ships as its sample.
        expect(answer.draco.ok).toBe(true);
        expect(answer.draco.points).toBeGreaterThan(30_000);
        expect(answer.draco.faces).toBeGreaterThan(60_000);
      } finally {
        await mf.dispose();
      }
    },
  );

  it('the committed meshoptimizer .wasm files are what the installed meshoptimizer compiles', async () => {
    const captured = await captureMeshoptWasm();
    for (const name of ['encoder', 'decoder'] as const) {
      const committed = new Uint8Array(await readFile(new URL(`../../wasm/binaries/meshopt-${name}.wasm`, import.meta.url)));
      expect(Buffer.from(committed).equals(Buffer.from(captured[name])), `meshopt-${name}.wasm is stale`).toBe(true);
      expect(committed.byteLength).toBe(MESHOPT_WASM_BYTES[name]);
    }
  });
});
