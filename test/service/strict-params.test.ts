/**
 * What the API takes is exactly what it documents: counts are whole numbers, a key it does not
 * know is a 400 (not silently dropped), and the prototype keys `__proto__`, `constructor` and
 * `prototype` are refused wherever they appear, including as the own property JSON.parse makes of
 * a `"__proto__"` key. The bodies are sent as raw JSON text, as a client would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { JobExecutor } from '../../src/jobs/executor.ts';
import { createJobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import { resolveMeshParams } from '../../src/pipeline/mesh-params.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { insertUpload, userIdOf } from './jobs-helpers.ts';

let infra: TestInfra;
let app: ReturnType<typeof createApp>;
let cookie: string;
let uploadId: string;

/** Nothing here runs a job: dry runs and refusals only. */
const idleExecutor: JobExecutor = {
  capacity: 1,
  execute: () => Promise.reject(new Error('no job should run in these tests')),
  stats: () => ({ size: 1, busy: 0, queued: 0 }),
  close: async () => undefined,
};

beforeAll(async () => {
  infra = await createTestServices();
  const jobs = createJobsRuntime(infra.services, idleExecutor);
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }), jobs });
  cookie = await signUp(app, 'strict@example.com');
  uploadId = await insertUpload(infra.services, await userIdOf(app, cookie), new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
});
afterAll(() => infra.close());

function post(path: string, rawJson: string, extraHeaders: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: 'http://localhost:3000', ...extraHeaders },
      body: rawJson,
    }),
  );
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

const dryRun = (params: string) => `{"mode":"lithophane","uploadId":"${uploadId}","dryRun":true,"params":${params}}`;

describe('counts are whole numbers', () => {
  it('maxTriangles 1000.5 is 400 invalid_parameters; 1000 is priced', async () => {
    const fractional = await post('/api/v1/jobs', dryRun('{"maxTriangles":1000.5}'));
    expect(fractional.status).toBe(400);
    const error = await errorOf(fractional);
    expect(error.code).toBe('invalid_parameters');
    expect(error.message).toMatch(/maxTriangles must be a whole number/);
    expect((await post('/api/v1/jobs', dryRun('{"maxTriangles":1000}'))).status).toBe(200);
  });

  it('the resolver says so too (the CLI and the worker use it)', () => {
    expect(() => resolveImageParams({ maxTriangles: 1000.5 })).toThrow(expect.objectContaining({ code: 'invalid_parameters' }));
    expect(resolveImageParams({ maxTriangles: 1000 }).maxTriangles).toBe(1000);
  });
});

describe('prototype keys', () => {
  // Bodies are made when the test runs: the upload id exists only after beforeAll.
  const cases = [
    ['"__proto__" in params', () => dryRun('{"__proto__":{"maxTriangles":100}}')],
    ['"constructor" in params', () => dryRun('{"constructor":{"prototype":{"x":1}}}')],
    ['"prototype" in params', () => dryRun('{"prototype":1}')],
    ['"__proto__" at the top', () => `{"mode":"lithophane","uploadId":"${uploadId}","dryRun":true,"__proto__":{"dryRun":false}}`],
    ['"__proto__" deep in a list', () => dryRun('{"formats":["stl",{"__proto__":{}}]}')],
  ] as const;
  it.each(cases)('%s is a 400', async (_name, body) => {
    const res = await post('/api/v1/jobs', body());
    expect(res.status).toBe(400);
    expect(['invalid_request', 'invalid_parameters']).toContain((await errorOf(res)).code);
  });

  it('reach no route that parses JSON: better-auth refuses them as well', async () => {
    const res = await post(
      '/api/auth/sign-up/email',
      '{"email":"proto@example.com","password":"correct horse battery","name":"p","__proto__":{"emailVerified":true}}',
      { cookie: '' },
    );
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_request');
  });

  it('are refused as form fields too', async () => {
    const res = await post('/api/auth/sign-in/email', 'email=a%40example.com&password=x&__proto__=1', {
      cookie: '',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_request');
  });

  it('file bodies are not judged: a signed PUT of JSON-typed bytes is stored as sent', async () => {
    const content = '{"__proto__":{"not":"a parameter"}}';
    const start = await post('/api/v1/uploads/url', JSON.stringify({ filename: 'data.json', byteSize: content.length }));
    const { uploadUrl } = (await start.json()) as { uploadUrl: string };
    const put = await app.request(uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: content });
    expect(put.status).toBe(204);
  });

  it('the resolvers refuse a params object whose prototype is not a plain object', () => {
    const sneaky = Object.create({ maxTriangles: 100 }) as Record<string, unknown>;
    expect(() => resolveImageParams(sneaky)).toThrow(expect.objectContaining({ code: 'invalid_parameters' }));
    expect(() => resolveMeshParams(JSON.parse('{"__proto__":{"fillHoles":false}}'))).toThrow(
      expect.objectContaining({ code: 'invalid_parameters' }),
    );
  });
});

describe('unknown keys', () => {
  const cases = [
    ['/api/v1/jobs', () => `{"mode":"lithophane","uploadId":"${uploadId}","dryRun":true,"priority":"high"}`],
    ['/api/v1/account/api-keys', () => '{"name":"ci","admin":true}'],
    ['/api/v1/uploads/url', () => '{"byteSize":100,"owner":"someone-else"}'],
    ['/api/v1/billing/checkout', () => '{"product":"pack","price":0}'],
  ] as const;
  it.each(cases)('%s refuses a key it does not document with 400', async (path, body) => {
    const res = await post(path, body());
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/unrecognized key/i);
  });
});
