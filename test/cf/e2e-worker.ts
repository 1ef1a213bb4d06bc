/**
 * The Worker the Cloudflare end-to-end tests and bench start (wrangler's unstable_startWorker):
 * src/worker.ts unchanged, plus test-only routes: one that applies the D1 schema, since a dev
 * session starts with an empty local database and `wrangler d1 migrations apply` is a CLI, and one
 * that sends a queue message again (a replayed delivery), and one through which the loopback S3
 * endpoint stores a presigned upload in R2.
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
    if (path === '/__test/schema' && request.method === 'POST') {
      const statements = (await request.json()) as string[];
      await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
      return new Response(null, { status: 204 });
    }
    return worker.fetch(request, env, ctx);
  },
  queue: (batch: MessageBatchLike, env: WorkerEnv) => worker.queue(batch, env),
};
