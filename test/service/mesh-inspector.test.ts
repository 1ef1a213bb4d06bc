/**
 * The Node server counts uploaded meshes' triangles on a thread of its own: while issue 14's 3MF
 * bomb (390 KB whose model part inflates to 398 MB) is counted, the HTTP event loop keeps turning,
 * and the answers are the ones countMeshTriangles gives (coded errors included). Through the real
 * upload route too. The /healthz latency this buys is measured by test/e2e/input-limits.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { writeStl } from '../../src/pipeline/export/stl.ts';
import { COUNT_TRIANGLES_DEFAULTS } from '../../src/pipeline/import/count-triangles.ts';
import { createMeshInspector } from '../../src/node/mesh-inspector.ts';
import type { MeshInspector } from '../../src/node/mesh-inspector.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { threeMfBomb } from '../helpers/zip-bomb.ts';

const tetrahedron = {
  positions: new Float32Array([0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 10]),
  indices: new Uint32Array([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]),
};

let inspector: MeshInspector;
let bomb: Uint8Array;
beforeAll(() => {
  inspector = createMeshInspector();
  bomb = threeMfBomb();
});
afterAll(() => inspector.close());

/** Resolves after `ms` on the event loop: a turn that cannot happen while the loop is held. */
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the mesh inspector thread', () => {
  it('counts the 3MF bomb while the event loop keeps turning', async () => {
    let settled = false;
    const counting = inspector.count(bomb, '3mf', COUNT_TRIANGLES_DEFAULTS).finally(() => (settled = true));
    // Counted on this thread, the promise would be settled before the first timer could fire.
    let turns = 0;
    while (!settled && turns < 3) {
      await tick(10);
      turns++;
    }
    expect(settled).toBe(false);
    expect(turns).toBe(3);
    expect(await counting).toBe(4);
  });

  it('leaves the caller its bytes (it counts a copy)', async () => {
    const stl = writeStl(tetrahedron);
    expect(await inspector.count(stl, 'stl', COUNT_TRIANGLES_DEFAULTS)).toBe(4);
    expect(stl.byteLength).toBeGreaterThan(0);
    expect(stl[80]).toBe(4);
  });

  it('passes on countMeshTriangles’ coded errors as PipelineErrors', async () => {
    const error = await inspector.count(bomb, '3mf', { ...COUNT_TRIANGLES_DEFAULTS, maxUncompressedBytes: 1_000_000 }).catch((e) => e);
    expect(error).toMatchObject({ name: 'PipelineError', code: 'file_too_large' });
    const corrupt = await inspector.count(new Uint8Array(200).fill(1), '3mf', COUNT_TRIANGLES_DEFAULTS).catch((e) => e);
    expect(corrupt).toMatchObject({ name: 'PipelineError', code: 'mesh_corrupt' });
  });

  it('gives up on a count that outlasts its time limit with a 503 timeout', async () => {
    const hasty = createMeshInspector({ timeoutMs: 1 });
    try {
      const error = await hasty.count(bomb, '3mf', COUNT_TRIANGLES_DEFAULTS).catch((e) => e);
      expect(error).toMatchObject({ name: 'PipelineError', code: 'timeout' });
    } finally {
      await hasty.close();
    }
  });
});

describe('uploads counted on the inspector thread', () => {
  let infra: TestInfra;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    infra = await createTestServices({}, { countMeshTriangles: inspector.count });
    app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
  });
  afterAll(() => infra.close());

  it('takes a padded 3MF (valid, under every limit) and says it has 4 triangles', async () => {
    const cookie = await signUp(app, 'bomber@example.com');
    const form = new FormData();
    form.append('file', new File([threeMfBomb(50_000_000) as BlobPart], 'padded.3mf'));
    const res = await app.request('/api/v1/uploads', { method: 'POST', body: form, headers: { cookie } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { triangles: number }).triangles).toBe(4);
  });
});
