/**
 * Jobs: create (idempotent, priced, dry-run), read, history, live progress (SSE), cancel, delete.
 * Thin: validate, call the jobs service, shape the answer. Another user's job is always a 404.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { requireUser } from '../http/authenticate.ts';
import type { AppEnv } from '../http/env.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import { TERMINAL_EVENTS } from '../domain/job-events.ts';
import type { JobEventBus, JobEventMessage } from '../domain/job-events.ts';
import { JOB_STATUSES, TERMINAL_JOB_STATUSES } from '../domain/job-status.ts';
import { JOB_MODES } from '../services/jobs.ts';
import type { Job, JobsService } from '../services/jobs.ts';
import { jobView } from '../services/job-view.ts';
import { ServiceError } from '../domain/errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const ArtifactSchema = z
  .object({ name: z.string(), contentType: z.string(), bytes: z.number(), etag: z.string(), url: z.string() })
  .openapi('JobArtifact');
const JobSchema = z
  .object({
    id: z.string(),
    mode: z.string(),
    status: z.enum(JOB_STATUSES),
    uploadId: z.string().nullable(),
    uploadName: z.string().nullable().openapi({ description: "The uploaded file's name (photo.jpg), when the job came from an upload" }),
    thumbnailUrl: z.string().nullable().openapi({ description: "The job's preview picture (owner only), once it has one" }),
    prompt: z.string().nullable(),
    params: z.record(z.string(), z.unknown()),
    progress: z.number(),
    stage: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    cost: z.number(),
    creditState: z.string(),
    attempts: z.number(),
    maxAttempts: z.number(),
    result: z.unknown().nullable(),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
    expiresAt: z
      .number()
      .nullable()
      .openapi({ description: "When the outputs are deleted under your plan's retention (epoch ms); null = kept" }),
    purgedAt: z.number().nullable().openapi({ description: 'Set once retention deleted the outputs; the job and its ledger entries stay' }),
    artifacts: z.array(ArtifactSchema).optional(),
  })
  .openapi('Job');

const CreateJobSchema = z
  .object({
    mode: z.enum(JOB_MODES),
    uploadId: z.string().max(100).optional(),
    prompt: z.string().max(2000).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    dryRun: z.boolean().optional(),
  })
  .strict()
  .openapi('CreateJob');

const EstimateSchema = z
  .object({
    grid: z.object({ width: z.number(), height: z.number() }).optional(),
    samples: z.number(),
    triangles: z.number(),
    memoryMb: z.number(),
    seconds: z.number(),
    sizeMm: z.array(z.number()).length(3).optional().openapi({ description: 'Image modes: the printed bounding box, x, y, z in mm' }),
    sizeExact: z.boolean().optional().openapi({ description: 'False when sizeMm is approximate (extrusions)' }),
    buildPlate: z.enum(['as-placed', 'turned', 'no']).optional().openapi({
      description: 'How the box fits buildPlateMm: as placed, only turned (a warning), or not at all (refused, exceeds_build_plate)',
    }),
    warnings: z.array(z.string()).optional(),
  })
  .openapi('JobEstimate', {
    description:
      'The work a job is expected to be: grid samples (image modes), triangles, peak memory (MB) and time on one worker (s). Prices follow samples; jobs past the limits are refused with job_too_large.',
  });

const IdParam = z.object({ id: z.string().max(100) });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** What the jobs routes use of the job runtime (structurally the runtime itself). */
export interface JobsRouteDeps {
  service: JobsService;
  bus: Pick<JobEventBus, 'subscribe'>;
  /** Milliseconds between SSE heartbeat comments. */
  heartbeatMs: number;
}

export function jobsRoutes(runtime: JobsRouteDeps) {
  const { service } = runtime;
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/jobs',
      tags: ['jobs'],
      summary:
        'Start a job from an upload (or price and estimate it with dryRun). Honours an Idempotency-Key header. 422 job_too_large past the work limits; 429 queue_full past the per-user queued work, with Retry-After.',
      request: {
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: { content: { 'application/json': { schema: CreateJobSchema } }, required: true },
      },
      responses: {
        201: json(z.object({ job: JobSchema }), 'Queued'),
        200: json(
          z.object({
            job: JobSchema.optional(),
            dryRun: z.boolean().optional(),
            cost: z.number().optional(),
            balance: z.number().optional(),
            params: z.record(z.string(), z.unknown()).optional(),
            estimate: EstimateSchema.optional(),
          }),
          'The same request replayed with its Idempotency-Key, or a dry run (price and work estimate)',
        ),
        ...errorResponses(400, 401, 402, 404, 409, 422, 429, 503),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const key = c.req.valid('header')['idempotency-key'];
      const outcome = await service.create(user.id, c.req.valid('json'), key);
      if (outcome.kind === 'dry-run')
        return c.json(
          { dryRun: true, cost: outcome.cost, balance: outcome.balance, params: outcome.params, estimate: outcome.estimate },
          200,
        );
      return outcome.created ? c.json({ job: jobView(outcome.job) }, 201) : c.json({ job: jobView(outcome.job) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/jobs',
      tags: ['jobs'],
      summary: 'Your jobs, newest first',
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          cursor: z.string().optional(),
          status: z.enum(JOB_STATUSES).optional(),
          mode: z.enum(JOB_MODES).optional(),
        }),
      },
      responses: {
        200: json(z.object({ jobs: z.array(JobSchema), nextCursor: z.string().nullable() }), 'Jobs'),
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const { limit, cursor, status, mode } = c.req.valid('query');
      const rows = await service.list(user.id, { limit: limit + 1, status, mode, before: decodeCursor(cursor) });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1]?.job;
      return c.json(
        {
          jobs: page.map(({ job, extras }) => jobView(job, undefined, extras)),
          nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/jobs/{id}',
      tags: ['jobs'],
      summary: 'A job, with its artifacts once it succeeded',
      request: { params: IdParam },
      responses: { 200: json(z.object({ job: JobSchema }), 'The job'), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const { job, artifacts, extras } = await service.withArtifacts(requireUser(c).id, c.req.valid('param').id);
      return c.json({ job: jobView(job, artifacts, extras) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/jobs/{id}/cancel',
      tags: ['jobs'],
      summary: 'Cancel a queued or running job; its credits are refunded',
      request: { params: IdParam },
      responses: { 200: json(z.object({ job: JobSchema }), 'Cancelled'), ...errorResponses(401, 404, 409) },
    }),
    async (c) => c.json({ job: jobView(await service.cancel(requireUser(c).id, c.req.valid('param').id)) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/jobs/{id}',
      tags: ['jobs'],
      summary: 'Delete a job (cancelling it first if needed), its events, artifacts and files',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 404) },
    }),
    async (c) => {
      await service.remove(requireUser(c).id, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/jobs/{id}/events',
      tags: ['jobs'],
      summary: 'Progress as server-sent events: queued, started, stage, then succeeded | failed | cancelled. Resumes after Last-Event-ID.',
      request: { params: IdParam },
      responses: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const job = await service.get(requireUser(c).id, c.req.valid('param').id);
      return streamJobEvents(c, runtime, job, lastEventId(c));
    },
  );

  return app;
}

function lastEventId(c: Context<AppEnv>): number {
  const raw = c.req.header('last-event-id') ?? c.req.query('lastEventId');
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw ServiceError.of('invalid_request', 'Last-Event-ID must be an event id from this stream');
  return n;
}

/**
 * Subscribes first, then replays the table, then drains what arrived meanwhile: the ids (job_events
 * row ids) make the seam exact, so no event is lost or sent twice. Ends after the terminal event.
 */
function streamJobEvents(c: Context<AppEnv>, runtime: JobsRouteDeps, job: Job, afterId: number): Response {
  return streamSSE(c, async (stream) => {
    const live: JobEventMessage[] = [];
    let notify: (() => void) | undefined;
    let closed = false;
    const unsubscribe = await runtime.bus.subscribe(job.id, (event) => {
      live.push(event);
      notify?.();
    });
    stream.onAbort(() => {
      closed = true;
      notify?.();
    });
    // Comments keep proxies from closing an idle stream during a long stage.
    const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n').catch(() => undefined), runtime.heartbeatMs);
    let last = afterId;
    const send = async (event: Omit<JobEventMessage, 'jobId'>): Promise<boolean> => {
      if (event.id <= last) return false;
      last = event.id;
      await stream.writeSSE({ id: String(event.id), event: event.type, data: JSON.stringify({ jobId: job.id, ...event.data }) });
      return TERMINAL_EVENTS.has(event.type);
    };
    try {
      for (const row of await runtime.service.eventsAfter(job.id, afterId)) {
        if (await send({ id: row.id, type: row.type as JobEventMessage['type'], data: JSON.parse(row.data) as Record<string, unknown> }))
          return;
      }
      // Resumed after the terminal event (or the job is gone): nothing more will come.
      const now = await runtime.service.get(job.user_id, job.id).catch(() => undefined);
      if (!now || TERMINAL_JOB_STATUSES.has(now.status)) {
        if (live.length === 0) return;
      }
      while (!closed) {
        while (live.length > 0) if (await send(live.shift()!)) return;
        await new Promise<void>((resolve) => (notify = resolve));
        notify = undefined;
      }
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
    }
  });
}
