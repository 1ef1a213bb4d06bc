/**
 * Text jobs over HTTP with a real piscina pool of one thread: POST /api/v1/jobs with mode text and
 * no upload runs the text pipeline and stores an STL that is one strict solid of the asked width;
 * blank or too long text is a 400 JSON error before any credit moves. A TrueType upload (sniffed by
 * its sfnt version) is the job's font; a corrupt one is 400 font_corrupt at upload, never a 500.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageKeys } from '../../src/domain/storage.ts';
import type { JobExecutor } from '../../src/jobs/executor.ts';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import { createWorkerPool } from '../../src/node/worker-pool.ts';
import { MAX_FONT_UPLOAD_BYTES } from '../../src/services/inspect-upload.ts';
import { readStl } from '../../src/pipeline/import/stl.ts';
import { weldExact } from '../../src/pipeline/repair/weld-exact.ts';
import { boundingBox, boxSize } from '../../src/pipeline/mesh.ts';
import { layoutText, MAX_TEXT_CHARACTERS } from '../../src/pipeline/text/layout.ts';
import { readTrueType } from '../../src/pipeline/text/truetype.ts';
import { countEdgeDefects } from '../../src/pipeline/validate.ts';
import { sharedManifold } from '../../wasm/manifold.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { balance, gradientPng, insertUpload, jobsApp, postJob, userIdOf, waitForStatus } from './jobs-helpers.ts';
import type { JobBody, TestApp } from './jobs-helpers.ts';

const FONT = new Uint8Array(readFileSync(new URL('../../src/fonts/NotoSans-Bold.ttf', import.meta.url)));

let infra: TestInfra;
let pool: JobExecutor;
let app: TestApp;
let jobs: JobsRuntime;
let cookie: string;
let userId: string;

beforeAll(async () => {
  infra = await createTestServices({ PER_USER_CONCURRENCY: '1', SIGNUP_GRANT_CREDITS: '20', RATE_LIMIT_JOBS_PER_MINUTE: '10000' });
  pool = createWorkerPool({ size: 1 });
  ({ app, jobs } = jobsApp(infra.services, pool));
  await jobs.runner.recover();
  jobs.runner.start();
  cookie = await signUp(app, 'nameplate@example.com');
  userId = await userIdOf(app, cookie);
});

afterAll(async () => {
  await jobs?.runner.stop(1000);
  await pool?.close();
  await infra?.close();
});

/** The letters' ink width at a text width, from the font alone (not from the job's output). */
function inkWidthMm(text: string, widthMm: number): number {
  const rings = layoutText(readTrueType(FONT), text, { widthMm, toleranceMm: 0.05, lineSpacing: 1.25 });
  const xs = rings.flat().map((p) => p[0]);
  return Math.max(...xs) - Math.min(...xs);
}

describe('text jobs', () => {
  it('makes a nameplate: one strict solid whose plate is the letters plus margin and border, within 1%', async () => {
    const params = {
      text: 'Ada Lovelace',
      textStyle: 'nameplate',
      widthMm: 90,
      marginMm: 3,
      borderMm: 1.5,
      formats: ['stl'],
      previews: false,
    };
    const before = await balance(app, cookie);
    const res = await postJob(app, cookie, { mode: 'text', params });
    expect(res.status, await res.clone().text()).toBe(201);
    const { job } = (await res.json()) as { job: JobBody };
    expect(job.cost).toBeGreaterThan(0);

    const done = await waitForStatus(app, cookie, job.id, ['succeeded', 'failed']);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(await balance(app, cookie)).toBe(before - job.cost);
    expect(done.result).toMatchObject({ mode: 'text', textStyle: 'nameplate', manifold: true, parts: 1 });

    const stl = await infra.services.storage.get(storageKeys.artifact(userId, job.id, 'model.stl'));
    // STL repeats each corner per triangle: weld exactly equal positions back into shared vertices.
    const { mesh } = weldExact(readStl(stl).mesh);
    expect(countEdgeDefects(mesh)).toEqual({ open: 0, overused: 0 });
    const wasm = await sharedManifold();
    const solid = new wasm.Manifold({ numProp: 3, vertProperties: mesh.positions, triVerts: mesh.indices } as never);
    try {
      expect(solid.status()).toBe('NoError');
      expect(solid.volume()).toBeGreaterThan(0);
    } finally {
      solid.delete();
    }
    const [x, , z] = boxSize(boundingBox(mesh));
    const expected = inkWidthMm(params.text, params.widthMm) + 2 * (params.marginMm + params.borderMm);
    expect(Math.abs(x - expected) / expected).toBeLessThan(0.01);
    expect(z).toBeCloseTo(2 + 1.6, 1); // plate + letters at their defaults
  });

  it('refuses blank text with a 400 JSON error and holds nothing', async () => {
    const before = await balance(app, cookie);
    for (const text of ['', '   ', undefined]) {
      const res = await postJob(app, cookie, { mode: 'text', params: { text } });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_parameters');
    }
    expect(await balance(app, cookie)).toBe(before);
  });

  it('refuses text longer than the limit with a 400 JSON error', async () => {
    const res = await postJob(app, cookie, { mode: 'text', params: { text: 'A'.repeat(MAX_TEXT_CHARACTERS + 1) } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_parameters');
    expect(body.error.message).toContain(String(MAX_TEXT_CHARACTERS));
  });
});

async function uploadFile(bytes: Uint8Array, name: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new File([bytes as BlobPart], name, { type: 'application/octet-stream' }));
  return app.request('/api/v1/uploads', { method: 'POST', body: form, headers: { cookie } });
}

describe('a font upload', () => {
  it('is taken as a font by its signature and runs a text job with it', async () => {
    const res = await uploadFile(FONT, 'my-font.bin');
    expect(res.status, await res.clone().text()).toBe(201);
    const upload = (await res.json()) as { id: string; kind: string; format: string };
    expect(upload).toMatchObject({ kind: 'font', format: 'ttf' });

    const job = await postJob(app, cookie, {
      mode: 'text',
      uploadId: upload.id,
      params: { text: 'Key', textStyle: 'keychain', widthMm: 40, formats: ['stl'], previews: false },
    });
    expect(job.status, await job.clone().text()).toBe(201);
    const { job: created } = (await job.json()) as { job: JobBody };
    const done = await waitForStatus(app, cookie, created.id, ['succeeded', 'failed']);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.result).toMatchObject({ mode: 'text', textStyle: 'keychain', manifold: true, parts: 1 });
  });

  it('refuses a corrupt font with 400 font_corrupt JSON', async () => {
    // A real table directory whose tables point past the end of the file.
    const corrupt = FONT.slice(0, 12 + 16 * new DataView(FONT.buffer, FONT.byteOffset).getUint16(4) + 64);
    const res = await uploadFile(corrupt, 'broken.ttf');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('font_corrupt');
  });

  it('refuses a font over 2 MB', async () => {
    const big = new Uint8Array(MAX_FONT_UPLOAD_BYTES + 1);
    big.set(FONT);
    const res = await uploadFile(big, 'huge.ttf');
    expect(res.status, await res.clone().text()).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('file_too_large');
  });

  it('answers upload_kind_mismatch for a text job given a picture', async () => {
    const uploadId = await insertUpload(infra.services, userId, await gradientPng());
    const res = await postJob(app, cookie, { mode: 'text', uploadId, params: { text: 'Ada' } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upload_kind_mismatch');
  });
});
