/**
 * Every corpus file (real and hostile pictures, broken and tricky meshes) uploaded through the
 * API: a 201 or a 4xx JSON error with one of our stable codes, never a 5xx, and /healthz (a real
 * database probe) still answers 200 after each. Real pictures must all be accepted.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { CORPUS, corpusFiles, corpusPresent } from './corpus-path.ts';

const UPLOAD_ERROR_CODES = new Set([
  'file_too_large',
  'file_empty',
  'image_too_large',
  'image_too_small',
  'image_corrupt',
  'image_empty',
  'too_many_triangles',
  'mesh_corrupt',
  'mesh_empty',
  'unsupported_format',
]);

let infra: TestInfra;
let app: ReturnType<typeof createApp>;
let cookie: string;

beforeAll(async () => {
  infra = await createTestServices();
  const health = async () => {
    await sql`select 1`.execute(infra.services.db);
    return { database: true, pool: null };
  };
  app = createApp({ services: infra.services, health });
  cookie = await signUp(app, 'corpus@example.com');
});
afterAll(async () => infra?.close());

async function uploadCorpusFile(folder: string, file: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const bytes = readFileSync(`${CORPUS + folder}/${file}`);
  const form = new FormData();
  form.append('file', new File([new Uint8Array(bytes)], file));
  const res = await app.request('/api/v1/uploads', { method: 'POST', body: form, headers: { cookie } });
  expect(res.headers.get('content-type') ?? '').toMatch(/application\/json/);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function expectHealthy(): Promise<void> {
  const res = await app.request('/healthz');
  expect(res.status).toBe(200);
}

describe.skipIf(!corpusPresent)('corpus: uploads', () => {
  for (const folder of ['images/real', 'images/hostile', 'meshes']) {
    const files = corpusFiles(folder);
    it(`${folder} has files`, () => expect(files.length).toBeGreaterThan(5));
    for (const file of files) {
      it(`${folder}/${file}: 201 or a coded 4xx, then healthy`, async () => {
        const { status, body } = await uploadCorpusFile(folder, file);
        if (folder === 'images/real') expect(status, JSON.stringify(body)).toBe(201);
        if (status === 201) {
          expect(body.status).toBe('ready');
          expect(body.kind).toBe(folder === 'meshes' ? 'mesh' : 'image');
        } else {
          expect(status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
          expect(status, JSON.stringify(body)).toBeLessThan(500);
          const error = body.error as { code: string; message: string };
          expect(UPLOAD_ERROR_CODES, error.code).toContain(error.code);
          expect(error.message.length).toBeGreaterThan(0);
        }
        await expectHealthy();
      });
    }
  }
});
