/**
 * The guarded result download (https, host allow-list, public addresses, checked redirects, size
 * and time limits), error scrubbing, and the service without any provider key.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedFetchError } from '../../src/repositories/ai/guarded-fetch-error.ts';
import { guardedFetch, hostAllowed, isPrivateAddress } from '../../src/repositories/ai/guarded-fetch.ts';
import type { GuardedFetchOptions } from '../../src/repositories/ai/guarded-fetch.ts';
import { createProviderHttp, ProviderHttpError, scrub } from '../../src/repositories/ai/http.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { gradientPng, insertUpload, postJob, userIdOf } from './jobs-helpers.ts';
import { createApp } from '../../src/app.ts';
import { createJobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import type { JobExecutor } from '../../src/jobs/executor.ts';

const PUBLIC = async () => ['93.184.215.14'];
const base: GuardedFetchOptions = { allowedHosts: ['assets.meshy.ai', '*.fal.media'], maxBytes: 1000, timeoutMs: 2000, resolve: PUBLIC };

function stubFetch(routes: Record<string, () => Response | Promise<Response>>): { fetch: typeof fetch; seen: string[] } {
  const seen: string[] = [];
  const fn = (async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    seen.push(url);
    const route = routes[url];
    if (!route) throw new TypeError('no route');
    return route();
  }) as typeof fetch;
  return { fetch: fn, seen };
}

async function code(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    if (error instanceof GuardedFetchError) {
      expect(error.message).not.toMatch(/https?:\/\//);
      return error.code;
    }
    throw error;
  }
}

describe('guardedFetch', () => {
  it('downloads from an allowed https host at a public address', async () => {
    const { fetch } = stubFetch({ 'https://assets.meshy.ai/a.glb?Expires=1': () => new Response(new Uint8Array([1, 2, 3])) });
    expect(await guardedFetch('https://assets.meshy.ai/a.glb?Expires=1', { ...base, fetch })).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('refuses http, hosts off the list, credentials in the URL and garbage', async () => {
    const { fetch, seen } = stubFetch({});
    expect(await code(guardedFetch('http://assets.meshy.ai/a.glb', { ...base, fetch }))).toBe('url_rejected');
    expect(await code(guardedFetch('https://evil.example/a.glb', { ...base, fetch }))).toBe('host_not_allowed');
    expect(await code(guardedFetch('https://meshy.ai.evil.example/a.glb', { ...base, fetch }))).toBe('host_not_allowed');
    expect(await code(guardedFetch('https://user:pw@assets.meshy.ai/a.glb', { ...base, fetch }))).toBe('url_rejected');
    expect(await code(guardedFetch('file:///etc/passwd', { ...base, fetch }))).toBe('url_rejected');
    expect(await code(guardedFetch('not a url', { ...base, fetch }))).toBe('url_rejected');
    expect(seen).toEqual([]);
  });

  it('refuses an allowed host that resolves to a private or loopback address', async () => {
    const { fetch, seen } = stubFetch({});
    for (const address of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '::1', '::ffff:192.168.1.1', 'fd00::1']) {
      expect(
        await code(guardedFetch('https://v3.fal.media/files/x.glb', { ...base, fetch, resolve: async () => ['93.184.215.14', address] })),
      ).toBe('private_address');
    }
    expect(seen).toEqual([]);
  });

  it('connects only to the addresses it checked: a host that rebinds to loopback after the check is refused (no injected fetch)', async () => {
    const listener = createNetServer((socket) => {
      connections++;
      socket.destroy();
    });
    let connections = 0;
    await new Promise<void>((done) => listener.listen(0, '127.0.0.1', () => done()));
    const port = (listener.address() as AddressInfo).port;
    try {
      let lookups = 0;
      // First answer public (the pre-check), then loopback (what the connection would resolve).
      const rebinding = async () => (lookups++ === 0 ? ['93.184.215.14'] : ['127.0.0.1']);
      expect(await code(guardedFetch(`https://v3.fal.media:${port}/files/x.glb`, { ...base, resolve: rebinding }))).toBe('private_address');
      expect(lookups).toBe(2);
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((done) => listener.close(() => done()));
    }
  });

  it('downloads through its own client from a test host over http, with the byte limit', async () => {
    const body = new Uint8Array(600).map((_, i) => i % 251);
    const site = createHttpServer((req, res) => {
      if (req.url === '/big.glb') res.end(Buffer.alloc(5000));
      else if (req.url === '/moved') res.writeHead(302, { location: '/a.glb' }).end();
      else res.end(Buffer.from(body));
    });
    await new Promise<void>((done) => site.listen(0, '127.0.0.1', () => done()));
    const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const local: GuardedFetchOptions = { ...base, allowedHosts: ['127.0.0.1'], insecureHosts: ['127.0.0.1'] };
    try {
      expect(await guardedFetch(`${origin}/moved`, local)).toEqual(body);
      expect(await code(guardedFetch(`${origin}/big.glb`, local))).toBe('too_large');
    } finally {
      await new Promise<void>((done) => site.close(() => done()));
    }
  });

  it('follows a redirect to another allowed host, never to a foreign or private one', async () => {
    const redirect = (to: string) => () => new Response(null, { status: 302, headers: { location: to } });
    const ok = stubFetch({
      'https://assets.meshy.ai/a.glb': redirect('https://v3.fal.media/b.glb'),
      'https://v3.fal.media/b.glb': () => new Response(new Uint8Array([9])),
    });
    expect(await guardedFetch('https://assets.meshy.ai/a.glb', { ...base, fetch: ok.fetch })).toEqual(new Uint8Array([9]));

    const foreign = stubFetch({ 'https://assets.meshy.ai/a.glb': redirect('https://attacker.example/x') });
    expect(await code(guardedFetch('https://assets.meshy.ai/a.glb', { ...base, fetch: foreign.fetch }))).toBe('redirect_rejected');
    expect(foreign.seen).toEqual(['https://assets.meshy.ai/a.glb']);

    const metadata = stubFetch({ 'https://assets.meshy.ai/a.glb': redirect('http://169.254.169.254/latest/meta-data') });
    expect(await code(guardedFetch('https://assets.meshy.ai/a.glb', { ...base, fetch: metadata.fetch }))).toBe('url_rejected');

    const rebinding = stubFetch({ 'https://assets.meshy.ai/a.glb': redirect('https://x.fal.media/b') });
    const resolve = async (host: string) => (host === 'x.fal.media' ? ['10.0.0.7'] : ['93.184.215.14']);
    expect(await code(guardedFetch('https://assets.meshy.ai/a.glb', { ...base, fetch: rebinding.fetch, resolve }))).toBe('private_address');

    const loop = stubFetch({ 'https://assets.meshy.ai/a.glb': redirect('https://assets.meshy.ai/a.glb') });
    expect(await code(guardedFetch('https://assets.meshy.ai/a.glb', { ...base, fetch: loop.fetch }))).toBe('redirect_rejected');
  });

  it('stops at the byte limit (declared or streamed) and at the time limit', async () => {
    const big = stubFetch({
      'https://assets.meshy.ai/a.glb': () => new Response(new Uint8Array(10), { headers: { 'content-length': '5000' } }),
    });
    expect(await code(guardedFetch('https://assets.meshy.ai/a.glb', { ...base, fetch: big.fetch }))).toBe('too_large');
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(400));
      },
    });
    const endless = stubFetch({ 'https://assets.meshy.ai/a.glb': () => new Response(stream) });
    expect(await code(guardedFetch('https://assets.meshy.ai/a.glb', { ...base, fetch: endless.fetch }))).toBe('too_large');
    const slow = (async (_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
      )) as typeof fetch;
    expect(await code(guardedFetch('https://assets.meshy.ai/a.glb', { ...base, fetch: slow, timeoutMs: 50 }))).toBe('timeout');
  });

  it('classifies addresses and host patterns', () => {
    for (const ip of [
      '127.0.0.1',
      '0.0.0.0',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.0.1',
      '100.64.0.1',
      '169.254.1.1',
      '224.0.0.1',
      '::',
      '::1',
      'fe80::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a00:1',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.215.14', '8.8.8.8', '2606:4700::1111']) expect(isPrivateAddress(ip), ip).toBe(false);
    expect(hostAllowed('v3.fal.media', ['*.fal.media'])).toBe(true);
    expect(hostAllowed('fal.media', ['*.fal.media'])).toBe(false);
    expect(hostAllowed('evilfal.media', ['*.fal.media'])).toBe(false);
  });
});

describe('provider HTTP errors are scrubbed', () => {
  it('removes the key, the base URL and any URL from messages', async () => {
    const key = 'msy_secret_key_value_123';
    const answer = (async () =>
      new Response(JSON.stringify({ message: `bad key ${key} for https://api.meshy.ai/openapi/v1/x see http://10.0.0.1/` }), {
        status: 400,
      })) as typeof globalThis.fetch;
    const http = createProviderHttp({
      label: 'Meshy',
      baseUrl: 'https://api.meshy.ai',
      authorization: `Bearer ${key}`,
      fetch: answer,
      retryAttempts: 1,
      retryBaseMs: 1,
    });
    const error = await http.get('/openapi/v1/x', { signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderHttpError);
    const message = (error as Error).message;
    expect(message).not.toContain(key);
    expect(message).not.toContain('api.meshy.ai');
    expect(message).not.toContain('10.0.0.1');
    expect(scrub('x https://a.b/c?sig=1 y', [])).toBe('x [url] y');
  });

  it('asks for redirect "manual" (workerd refuses "error") and refuses a provider API that redirects', async () => {
    const inits: RequestInit[] = [];
    const redirecting = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      inits.push(init ?? {});
      return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } });
    }) as typeof globalThis.fetch;
    const http = createProviderHttp({
      label: 'Meshy',
      baseUrl: 'https://api.meshy.ai',
      authorization: 'Bearer k',
      fetch: redirecting,
      retryAttempts: 3,
      retryBaseMs: 1,
    });
    const error = await http.get('/openapi/v1/x', { signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderHttpError);
    expect((error as ProviderHttpError).kind).toBe('client');
    expect(inits.map((i) => i.redirect)).toEqual(['manual']);
  });
});

describe('without any provider key', () => {
  let infra: TestInfra;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    infra = await createTestServices({ SIGNUP_GRANT_CREDITS: '50' });
    const executor: JobExecutor = {
      capacity: 1,
      execute: async () => ({ ok: false, error: { code: 'internal', message: 'unused' } }),
      stats: () => ({ size: 1, busy: 0, queued: 0 }),
      close: async () => undefined,
    };
    const jobs = createJobsRuntime(infra.services, executor);
    app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }), jobs });
  });
  afterAll(async () => infra?.close());

  it('AI modes answer 503 provider_not_configured, pricing marks them unavailable, other modes stay available', async () => {
    const cookie = await signUp(app, 'nokey@example.com');
    const uploadId = await insertUpload(infra.services, await userIdOf(app, cookie), await gradientPng());
    for (const body of [
      { mode: 'ai-image', uploadId },
      { mode: 'ai-text', prompt: 'a boat' },
      { mode: 'ai-image', uploadId, dryRun: true },
    ]) {
      const res = await postJob(app, cookie, body);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'provider_not_configured' } });
    }
    const pricing = (await (await app.request('/api/v1/pricing')).json()) as { modes: Array<{ mode: string; available: boolean }> };
    expect(pricing.modes.filter((m) => m.mode.startsWith('ai-')).map((m) => m.available)).toEqual([false, false]);
    expect(pricing.modes.filter((m) => !m.mode.startsWith('ai-')).every((m) => m.available)).toBe(true);
  });
});
