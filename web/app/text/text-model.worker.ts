/**
 * The text preview's worker: the server's own text pipeline (src/pipeline/text, pure TypeScript) on
 * manifold-3d's WebAssembly build, with the font the server bundles, fetched once. The create page
 * sends the typed text and the job's parameters; the answer is the solid the job would make, its size
 * and piece count, computed by the same function (buildTextModel) the job calls. It runs off the main
 * thread because a long text takes a few hundred ms (191 characters as a keychain: ~400 ms in Node on
 * a loaded 2-core machine; a name: 20-60 ms), which would stall typing.
 */
import Module from 'manifold-3d';
import type { ManifoldToplevel } from 'manifold-3d';
import wasmUrl from 'manifold-3d/manifold.wasm?url';
import { rulesOf } from '../../../src/pipeline/catalog/fields.ts';
import { TEXT_FIELDS } from '../../../src/pipeline/catalog/text-fields.ts';
import { mergeFields } from '../../../src/pipeline/param-fields.ts';
import { buildTextModel } from '../../../src/pipeline/text/text-model.ts';
import type { TextShapeParams } from '../../../src/pipeline/text/text-model.ts';
import type { TextModelReply, TextModelRequest } from './protocol.ts';

// Noto Sans Bold, as src/node/fonts.ts reads it for jobs; Vite copies it (and its licence, see text-preview.ts) into the build.
const FONT_URL = new URL('../../../src/fonts/NotoSans-Bold.ttf', import.meta.url).href;
const RULES = rulesOf<TextShapeParams>(TEXT_FIELDS);

let ready: Promise<{ wasm: ManifoldToplevel; font: Uint8Array }> | undefined;

function load(): Promise<{ wasm: ManifoldToplevel; font: Uint8Array }> {
  ready ??= (async () => {
    const [wasm, font] = await Promise.all([
      Module({ locateFile: () => wasmUrl }),
      fetch(FONT_URL).then(async (res) => {
        if (!res.ok) throw new Error(`the font could not be loaded (${res.status})`);
        return new Uint8Array(await res.arrayBuffer());
      }),
    ]);
    wasm.setup();
    return { wasm, font };
  })();
  // A failed load is retried on the next request rather than remembered.
  ready.catch(() => (ready = undefined));
  return ready;
}

function reply(message: TextModelReply, transfer: Transferable[] = []): void {
  (self as unknown as { postMessage(m: unknown, t: Transferable[]): void }).postMessage(message, transfer);
}

// Started when a text choice is picked: load while the user types the first letters.
void load().catch(() => undefined);

self.addEventListener('message', (event: MessageEvent<TextModelRequest>) => {
  void answer(event.data);
});

async function answer({ seq, text, params }: TextModelRequest): Promise<void> {
  try {
    const { wasm, font } = await load();
    const started = performance.now();
    // The job's parameters resolved as the server resolves them: catalogue defaults, same checks.
    const { merged, problems } = mergeFields(params, RULES);
    if (problems.length > 0) return reply({ seq, ok: false, message: problems.join('; ') });
    const shape = merged as unknown as TextShapeParams;
    const model = buildTextModel(text, font, shape, wasm);
    const positions = model.mesh.positions;
    const indices = model.mesh.indices;
    reply(
      {
        seq,
        ok: true,
        positions,
        indices,
        sizeMm: model.sizeMm,
        parts: model.parts,
        plateMm: shape.plateMm,
        ms: performance.now() - started,
      },
      [positions.buffer, indices.buffer],
    );
  } catch (error) {
    reply({ seq, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
}
