/**
 * Helpers for the jobs tests: an app with the jobs routes over a given executor, uploads inserted
 * straight into the table and storage, SSE parsing, and polling a job to a status.
 */
import { createApp } from '../../src/app.ts';
import { encodePng } from '../../src/pipeline/preview/png.ts';
import { headerOnlyImageCodec } from '../../src/repositories/media/header-image-codec.ts';
import type { Services } from '../../src/compose.ts';
import type { JobExecutor } from '../../src/jobs/executor.ts';
import { createJobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import { uploadsRepository } from '../../src/repositories/uploads.ts';
import { newId } from '../../src/domain/ids.ts';
import { storageKeys } from '../../src/domain/storage.ts';

export type TestApp = ReturnType<typeof createApp>;

export function jobsApp(services: Services, executor: JobExecutor): { app: TestApp; jobs: JobsRuntime } {
  const jobs = createJobsRuntime(services, executor, { pollMs: 100, heartbeatMs: 200 });
  const health = async () => ({ database: true, pool: executor.stats() });
  return { app: createApp({ services: services, health, jobs }), jobs };
}

export async function gradientPng(width = 48, height = 32, alpha = 255): Promise<Uint8Array> {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = Math.round((x / (width - 1)) * 255);
      data[i + 3] = alpha;
    }
  }
  // RGBA kept even when opaque, as a photo editor's export would be.
  return encodePng({ width, height, data }, { dropOpaqueAlpha: false });
}

/** A one-colour PNG, cheap at any size: for jobs priced or refused by their picture's size. */
export async function plainPng(width: number, height = width): Promise<Uint8Array> {
  const data = new Uint8Array(width * height * 4).fill(128);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return encodePng({ width, height, data }, { level: 1, filter: 'none' });
}

/** Inserts a ready upload directly (the uploads routes are another router's business), with its header's size as the uploads service records it. */
export async function insertUpload(
  services: Services,
  userId: string,
  bytes: Uint8Array,
  kind: 'image' | 'mesh' = 'image',
  status: 'ready' | 'pending' = 'ready',
): Promise<string> {
  const id = newId('upl');
  const key = storageKeys.upload(userId, id);
  const header = kind === 'image' ? await headerOnlyImageCodec.readHeader(bytes).catch(() => undefined) : undefined;
  await services.storage.put(key, [bytes]);
  await uploadsRepository(services.db).insert({
    id,
    user_id: userId,
    kind,
    format: kind === 'image' ? 'png' : 'stl',
    status,
    original_name: kind === 'image' ? 'picture.png' : 'model.stl',
    byte_size: bytes.byteLength,
    sha256: null,
    width: header?.width ?? null,
    height: header?.height ?? null,
    triangles: null,
    storage_key: key,
    created_at: Date.now(),
    expires_at: null,
  });
  return id;
}

export async function userIdOf(app: TestApp, cookie: string): Promise<string> {
  const res = await app.request('/api/auth/get-session', { headers: { cookie } });
  const body = (await res.json()) as { user: { id: string } };
  return body.user.id;
}

export async function postJob(app: TestApp, cookie: string, body: unknown, idempotencyKey?: string): Promise<Response> {
  const headers: Record<string, string> = { cookie, 'content-type': 'application/json' };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  return app.request('/api/v1/jobs', { method: 'POST', headers, body: JSON.stringify(body) });
}

export interface JobBody {
  id: string;
  status: string;
  cost: number;
  creditState: string;
  attempts: number;
  error: { code: string; message: string } | null;
  result: Record<string, unknown> | null;
  artifacts?: Array<{ name: string; bytes: number; etag: string }>;
}

export async function getJob(app: TestApp, cookie: string, id: string): Promise<JobBody> {
  const res = await app.request(`/api/v1/jobs/${id}`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`GET job ${id}: ${res.status}`);
  return ((await res.json()) as { job: JobBody }).job;
}

export async function waitForStatus(app: TestApp, cookie: string, id: string, statuses: string[], timeoutMs = 60_000): Promise<JobBody> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(app, cookie, id);
    if (statuses.includes(job.status)) return job;
    if (Date.now() > until) throw new Error(`job ${id} stayed ${job.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function balance(app: TestApp, cookie: string): Promise<number> {
  const res = await app.request('/api/v1/credits', { headers: { cookie } });
  return ((await res.json()) as { balance: number }).balance;
}

export interface SseEvent {
  id?: string;
  event?: string;
  data?: Record<string, unknown>;
  comment?: boolean;
}

/** Reads a whole SSE response (it ends after the terminal event). */
export async function readSse(res: Response): Promise<SseEvent[]> {
  const text = await res.text();
  const out: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    const event: SseEvent = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) event.comment = true;
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('data: ')) event.data = JSON.parse(line.slice(6)) as Record<string, unknown>;
    }
    out.push(event);
  }
  return out;
}
