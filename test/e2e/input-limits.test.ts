/**
 * Issue 14's probes against a real server process (`npm start`'s entry, loopback), with /healthz
 * polled every 20 ms throughout: oversized bodies to the Creem webhook, better-auth's sign-up and
 * the jobs API (200 MB and 50 MB, chunked, so only counting can stop them; and one announced by
 * Content-Length), and the 390 KB 3MF whose model part inflates to 398 MB. Each answer must be
 * right, the server's memory must not follow the body, and /healthz must keep answering: its
 * p50/p99/max during each probe are printed (the figures the issue asks for; target p99 < 100 ms)
 * and asserted only loosely (p99 under a second, against 12-14 s before), since a shared 2-core
 * box has bad moments of its own.
 */
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { threeMfBomb } from '../helpers/zip-bomb.ts';
import { pollHealthz } from './healthz-poller.ts';
import { HttpClient, freePort, startServerProcess } from './server-process.ts';
import type { ServerProcess } from './server-process.ts';

let server: ServerProcess;
let client: HttpClient;
let dataDir: string;
const report: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'its-limits-'));
  server = await startServerProcess(dataDir, await freePort(), {
    CREEM_WEBHOOK_SECRET: 'whsec_e2e',
    AUTH_RATE_LIMIT: 'off',
    // The probes send hundreds of requests a minute from one address: rate limits are not what is measured.
    RATE_LIMIT_API_PER_IP_PER_MINUTE: '100000',
    RATE_LIMIT_UPLOADS_PER_MINUTE: '100000',
    RATE_LIMIT_JOBS_PER_MINUTE: '100000',
  });
  client = new HttpClient(server.url);
  await client.signUp('limits-e2e@example.com');
});
afterAll(async () => {
  console.log(['/healthz while probing (ms)            p50     p99     max   polls   server RSS', ...report].join('\n'));
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface LargeBodyResult {
  status?: number;
  code?: string;
  sentMb: number;
  error?: string;
}

/** POSTs up to `totalBytes` in 64 KB chunks, stopping once the server answers; never holds more than one chunk. */
function postLarge(path: string, headers: Record<string, string>, totalBytes: number): Promise<LargeBodyResult> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  chunk[0] = 0x7b; // "{": JSON that never ends
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    const finish = (result: Omit<LargeBodyResult, 'sentMb'>) => {
      if (done) return;
      done = true;
      resolve({ ...result, sentMb: Math.round(sent / 1e5) / 10 });
    };
    const req = request(`${server.url}${path}`, { method: 'POST', headers: { origin: server.url, ...headers } });
    req.on('response', async (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      await once(res, 'end').catch(() => undefined);
      let code: string | undefined;
      try {
        code = (JSON.parse(body) as { error?: { code?: string } }).error?.code;
      } catch {
        code = undefined;
      }
      finish({ status: res.statusCode, code });
      req.destroy();
    });
    req.on('error', (error) => finish({ error: error.message }));
    // Waits for the socket to take more, or for the request to end (answered, reset).
    const writable = () =>
      new Promise<void>((ready) => {
        const go = () => {
          req.off('drain', go);
          req.off('close', go);
          ready();
        };
        req.on('drain', go);
        req.on('close', go);
      });
    (async () => {
      while (!done && !req.destroyed && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) await writable();
      }
      if (!done && !req.destroyed) req.end();
    })();
  });
}

/** Polls /healthz every 20 ms (from another thread) while `probe` runs; reports the latencies and the server's memory. */
async function whileProbing<T>(name: string, probe: () => Promise<T>): Promise<{ result: T; p99: number }> {
  const rssBefore = await serverRssMb();
  const poller = pollHealthz(server.url);
  let result: T;
  let latencies: number[];
  try {
    result = await probe();
  } finally {
    latencies = await poller.stop();
  }
  const rssAfter = await serverRssMb();
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const [p50, p99, max] = [at(0.5), at(0.99), sorted[sorted.length - 1] ?? Number.NaN];
  const cell = (n: number) => n.toFixed(1).padStart(8);
  const sent = Array.isArray(result) ? `, ${result.length} requests` : '';
  report.push(
    `${name.padEnd(36)}${cell(p50)}${cell(p99)}${cell(max)}${String(latencies.length).padStart(8)}   ${rssBefore} -> ${rssAfter} MB${sent}`,
  );
  return { result, p99 };
}

async function serverRssMb(): Promise<number> {
  const status = await readFile(`/proc/${server.child.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

interface BodyProbe {
  name: string;
  path: string;
  headers: Record<string, string>;
  mb: number;
  /** Sent with the session cookie. */
  auth?: boolean;
}

const BODY_PROBES: BodyProbe[] = [
  { name: '200 MB to the Creem webhook', path: '/api/v1/webhooks/creem', headers: { 'creem-signature': '00'.repeat(32) }, mb: 200 },
  { name: '200 MB to better-auth sign-up', path: '/api/auth/sign-up/email', headers: {}, mb: 200 },
  { name: '50 MB of JSON to /api/v1/jobs', path: '/api/v1/jobs', headers: {}, mb: 50, auth: true },
];

/** Two senders at a time, again and again for 3 s: one refusal takes ~50 ms, too short to measure /healthz against. */
async function repeatedly<T>(probe: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  const until = performance.now() + 3000;
  const sender = async () => {
    while (performance.now() < until) results.push(await probe());
  };
  await Promise.all([sender(), sender()]);
  return results;
}

it('baseline: /healthz with nothing else going on, and beside small requests', async () => {
  await whileProbing('idle (3 s)', () => new Promise((resolve) => setTimeout(resolve, 3000)));
  const { result } = await whileProbing('small JSON (1 KB) to /api/v1/jobs', () =>
    repeatedly(async () => {
      const res = await fetch(`${server.url}/api/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url, cookie: client.cookie },
        body: JSON.stringify({ mode: 'relief', uploadId: 'upl_missing', prompt: 'x'.repeat(1000) }),
      });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  expect(result.every((status) => status === 404)).toBe(true);
});

for (const probe of BODY_PROBES) {
  it(`${probe.name}: 413 payload_too_large after reading no more than the limit`, async () => {
    const headers = { 'content-type': 'application/json', ...probe.headers, ...(probe.auth ? { cookie: client.cookie } : {}) };
    const { result: results, p99 } = await whileProbing(probe.name, () => repeatedly(() => postLarge(probe.path, headers, probe.mb * 1e6)));
    expect(results.length).toBeGreaterThan(2);
    for (const result of results) {
      expect(result.error, JSON.stringify(result)).toBeUndefined();
      expect(result).toMatchObject({ status: 413, code: 'payload_too_large' });
      // The client stops at the answer; what it had sent by then is the limit plus what sockets buffer.
      expect(result.sentMb).toBeLessThan(probe.mb / 2);
    }
    expect(p99).toBeLessThan(1000);
  });
}

it('a 200 MB Content-Length is refused before the body is read', async () => {
  const headers = { 'content-type': 'application/json', 'content-length': String(200e6) };
  const { result: results } = await whileProbing('Content-Length: 200 MB to sign-up', () =>
    repeatedly(() => postLarge('/api/auth/sign-up/email', headers, 200e6)),
  );
  for (const result of results) {
    expect(result).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(result.sentMb).toBeLessThan(100);
  }
});

it('the 390 KB 3MF that inflates to 398 MB is counted off the event loop: 201, 4 triangles', async () => {
  const bomb = threeMfBomb();
  const { result, p99 } = await whileProbing('3MF bomb upload (398 MB inflated)', async () => {
    const form = new FormData();
    form.set('file', new Blob([bomb as BlobPart]), 'padded.3mf');
    return client.json('/api/v1/uploads', { method: 'POST', body: form });
  });
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  expect(result.body.triangles).toBe(4);
  expect(p99).toBeLessThan(1000);
});
