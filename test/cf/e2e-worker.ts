/**
 * The Worker the Cloudflare end-to-end tests and bench start (wrangler's unstable_startWorker):
 * src/worker.ts unchanged, plus test-only routes: one that applies the D1 schema, since a dev
 * session starts with an empty local database and `wrangler d1 migrations apply` is a CLI, and one
 * that sends a queue message again (a replayed delivery) or a dead-letter message again, ones
 * through which the loopback S3 endpoint reads and stores objects in R2, and a listing of R2 keys.
 */
import worker from '../../src/worker.ts';
import type { WorkerEnv } from '../../src/worker.ts';
import type { MessageBatchLike } from '../../src/jobs/cf-jobs.ts';

export { JobObject } from '../../src/worker.ts';

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: unknown): Promise<Response> {
    const path = new URL(request.url).pathname;
    // A queue message sent again, as at-least-once delivery may: the replay tests send one.
    if (path === '/__test/enqueue' && request.method === 'POST') {
      await (env.JOBS as { send(body: unknown): Promise<void> }).send(await request.json());
      return new Response(null, { status: 204 });
    }
    // The loopback S3 endpoint (s3-loopback.ts) stores a presigned PUT it accepted in this R2 bucket.
    if (path === '/__test/r2-put' && request.method === 'PUT') {
      const key = new URL(request.url).searchParams.get('key') ?? '';
      await (env.FILES as unknown as { put(key: string, body: ArrayBuffer): Promise<unknown> }).put(key, await request.arrayBuffer());
      return new Response(null, { status: 204 });
    }
    // ...and reads an object for a presigned GET it accepted.
    if (path === '/__test/r2-get' && request.method === 'GET') {
      const key = new URL(request.url).searchParams.get('key') ?? '';
      const object = await env.FILES.get(key);
      return object ? new Response(await object.arrayBuffer()) : new Response(null, { status: 404 });
    }
    // The keys under a prefix, with their sizes: the tests look for orphans there.
    if (path === '/__test/r2-list' && request.method === 'GET') {
      const prefix = new URL(request.url).searchParams.get('prefix') ?? '';
      const page = await env.FILES.list({ prefix, limit: 1000 });
      return Response.json(page.objects.map((o) => ({ key: o.key, size: (o as { size?: number }).size })));
    }
    // A message on the dead-letter queue again (a replayed DLQ delivery).
    if (path === '/__test/enqueue-dead' && request.method === 'POST') {
      await (env.JOBS_DLQ as { send(body: unknown): Promise<void> }).send(await request.json());
      return new Response(null, { status: 204 });
    }
    if (path === '/__test/schema' && request.method === 'POST') {
      const statements = (await request.json()) as string[];
      await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
      return new Response(null, { status: 204 });
    }
    return worker.fetch(request, env, ctx);
  },
  queue: (batch: MessageBatchLike, env: WorkerEnv) => worker.queue(batch, env),
};
