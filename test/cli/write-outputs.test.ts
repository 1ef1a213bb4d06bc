/**
 * The one output writer the CLI's picture, 3D-file and text paths share (src/cli/write-outputs.ts):
 * each -o file gets its format's model, --preview the preview, --report the report as JSON, and a
 * path's own files are written before the report.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOutputs } from '../../src/cli/write-outputs.ts';
import { bytesArtifact } from '../../src/pipeline/artifacts.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'its-write-outputs-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const text = (s: string) => new TextEncoder().encode(s);
const artifacts = [
  bytesArtifact('model.stl', 'model/stl', text('stl bytes')),
  bytesArtifact('model.3mf', 'model/3mf', text('3mf bytes')),
  bytesArtifact('preview.png', 'image/png', text('png bytes')),
  bytesArtifact('backlit.png', 'image/png', text('backlit bytes')),
];

describe('writeOutputs', () => {
  it('writes each -o model by format, the preview, the extras, then the report', async () => {
    const paths = { stl: join(dir, 'a.stl'), threeMf: join(dir, 'a.3mf'), preview: join(dir, 'p.png'), report: join(dir, 'r.json') };
    const order: string[] = [];
    await writeOutputs(
      {
        outputs: [
          { format: 'stl', path: paths.stl },
          { format: '3mf', path: paths.threeMf },
        ],
        preview: paths.preview,
        report: paths.report,
      },
      { artifacts, report: { triangles: 12 } },
      async (byName) => {
        order.push(byName.get('backlit.png')?.name ?? 'none');
        order.push((await stat(paths.report).catch(() => undefined)) ? 'report already there' : 'report not yet');
      },
    );
    expect(await readFile(paths.stl, 'utf8')).toBe('stl bytes');
    expect(await readFile(paths.threeMf, 'utf8')).toBe('3mf bytes');
    expect(await readFile(paths.preview, 'utf8')).toBe('png bytes');
    expect(JSON.parse(await readFile(paths.report, 'utf8'))).toEqual({ triangles: 12 });
    expect(order).toEqual(['backlit.png', 'report not yet']);
  });

  it('writes nothing for a format or preview the pipeline did not make', async () => {
    const glb = join(dir, 'b.glb');
    const preview = join(dir, 'b.png');
    await writeOutputs({ outputs: [{ format: 'glb', path: glb }], preview }, { artifacts: artifacts.slice(0, 1), report: {} });
    expect(await stat(glb).catch(() => undefined)).toBeUndefined();
    expect(await stat(preview).catch(() => undefined)).toBeUndefined();
  });
});
