/**
 * The job path on Cloudflare (issue 13), portable (fetch, Durable Objects, Queues; nothing of Node):
 *
 *   POST /api/v1/jobs  -> the same jobs service as on Node: row + credit hold + `queued` event in
 *                         one D1 batch, then a message {jobId} on the JOBS queue
 *   queue consumer     -> for each message, POST /run to the job's Durable Object (JobObject)
 *   JobObject          -> one per job: the single writer of that job's state while it runs. It
 *                         claims the row, runs it on a mesh container (the HTTP executor) that
 *                         reads the input from R2 and writes the artifacts there itself through
 *                         presigned URLs (or, without R2's S3 API, gets and returns the bytes
 *                         in its request and response), and settles the job
 *                         (queued-job.ts); it fans the job's events out to SSE subscribers (the
 *                         same WebSocket fan-out as JobEventsObject) and its alarm is the timeout
 *   dead-letter queue  -> a message the queue gave up on fails its job, refunded
 *
 * At-least-once delivery is safe: the object runs one attempt of its job at a time and answers any
 * other delivery meanwhile with 'ignored'; every step is a conditional batch, every credit movement
 * keyed in the ledger (queued-job.ts says how each case settles).
 */
import type { Services } from '../compose.ts';
import type { JobEventBus, JobEventMessage } from '../domain/job-events.ts';
import { TERMINAL_JOB_STATUSES } from '../domain/job-status.ts';
import { artifactsRepository } from '../repositories/artifacts.ts';
import type { DurableObjectNamespaceLike, DurableObjectStateLike, WorkerWebSocket } from '../repositories/durable-objects/do-types.ts';
import { stubOf } from '../repositories/durable-objects/do-types.ts';
import { createDurableJobEventBus, JobEventsObject } from '../repositories/durable-objects/job-event-bus.ts';
import { jobEventsRepository } from '../repositories/job-events.ts';
import { jobsRepository } from '../repositories/jobs.ts';
import { createS3Presigner, MAX_PRESIGN_SECONDS } from '../repositories/storage/s3-presigner.ts';
import { uploadsRepository } from '../repositories/uploads.ts';
import { createJobLifecycle } from '../services/job-lifecycle.ts';
import { createJobsService } from '../services/jobs.ts';
import type { JobExecutor } from './executor.ts';
import { createHttpExecutor, urlEndpoints } from './http-executor.ts';
import type { JobsRuntime } from './jobs-runtime.ts';
import { runDelivery } from './queued-job.ts';
import type { Delivery, QueuedJobDeps } from './queued-job.ts';

/** The producer side of a Queue binding. */
export interface QueueLike {
  send(body: unknown): Promise<void>;
}

/** What a queue handler receives (the parts we use). */
export interface MessageBatchLike {
  queue: string;
  messages: ReadonlyArray<{ body: unknown; ack(): void; retry(options?: { delaySeconds?: number }): void }>;
}

/** The bindings of the job path (wrangler.toml). */
export interface CfJobBindings {
  /** Producer of the jobs queue. */
  JOBS?: QueueLike;
  /** The per-job Durable Object (JobObject). */
  JOB?: DurableObjectNamespaceLike;
  /** Mesh processes by URL, comma-separated (tests, benches, a self-hosted mesh fleet). */
  MESH_EXECUTOR_URL?: unknown;
  /** The Container-backed Durable Object (MeshContainer), in production. */
  MESH_CONTAINER?: DurableObjectNamespaceLike;
  /** How many container instances to spread jobs over (default 4). */
  MESH_INSTANCES?: unknown;
}

const HEARTBEAT_MS = 15_000;

/** The jobs routes' runtime on Workers: the service sends queue messages, the bus is the job's object. */
export function cfJobsRuntime(
  services: Services,
  bindings: { JOBS: QueueLike; JOB: DurableObjectNamespaceLike },
): Pick<JobsRuntime, 'service' | 'bus' | 'heartbeatMs'> {
  const { db, batch, clock, storage, credits, config } = services;
  const jobs = jobsRepository(db);
  const events = jobEventsRepository(db);
  const artifacts = artifactsRepository(db);
  const bus = createDurableJobEventBus(bindings.JOB);
  const lifecycle = createJobLifecycle({ batch, jobs, events, artifacts, credits, bus, clock });
  const service = createJobsService({
    db,
    jobs,
    uploads: uploadsRepository(db),
    artifacts,
    events,
    credits,
    storage,
    lifecycle,
    control: {
      wake: () => undefined,
      queued: (jobId) => bindings.JOBS.send({ jobId }),
      abort: (jobId) => {
        // The API already moved the row (cancelled, refunded); this stops the mesh work.
        void stubOf(bindings.JOB, jobId)
          .fetch('https://do/abort', { method: 'POST' })
          .then((r) => r.body?.cancel())
          .catch(() => undefined);
      },
    },
    clock,
    expiresAt: services.retention?.expiresAt,
    prices: services.prices,
    limits: config.jobLimits,
    maxQueuedSeconds: config.fairShare.maxQueuedSeconds,
  });
  return { service, bus, heartbeatMs: HEARTBEAT_MS };
}

/** The executor the job objects use: local mesh processes by URL when set, else the containers. */
export function meshExecutorFrom(bindings: CfJobBindings): JobExecutor {
  if (typeof bindings.MESH_EXECUTOR_URL === 'string' && bindings.MESH_EXECUTOR_URL)
    return createHttpExecutor({ endpoints: urlEndpoints(bindings.MESH_EXECUTOR_URL) });
  const containers = bindings.MESH_CONTAINER;
  if (!containers) throw new Error('no mesh capacity: bind MESH_CONTAINER (Containers) or set MESH_EXECUTOR_URL');
  const instances = Math.max(1, Number(bindings.MESH_INSTANCES ?? 4) || 4);
  const endpoints = Array.from({ length: instances }, (_, i) => stubOf(containers, `mesh-${i}`));
  return createHttpExecutor({ endpoints });
}

/**
 * With R2's S3 API configured, the containers read inputs and write artifacts through presigned
 * URLs (mesh-io.ts) valid for the job's time limit plus a minute (the alarm stops the attempt by
 * then); without it (plain `wrangler dev`, no keys) the bytes travel through the job's object.
 */
function meshIoOf(config: Services['config'], clock: () => number): QueuedJobDeps['meshIo'] {
  if (!config.r2Presign) return undefined;
  const expiresInSeconds = Math.min(MAX_PRESIGN_SECONDS, Math.ceil(config.jobTimeoutMs / 1000) + 60);
  return { signer: createS3Presigner(config.r2Presign, clock), expiresInSeconds };
}

/**
 * The queue handler: each message names a job; its object runs it. A message is retried when the
 * object says so (the mesh process died: the job went back to queued) or could not be reached;
 * the dead-letter queue's messages fail their job (refunded) if it is still open.
 */
export async function consumeJobBatch(batch: MessageBatchLike, jobObjects: DurableObjectNamespaceLike): Promise<void> {
  const dead = batch.queue.endsWith('-dlq');
  await Promise.all(
    batch.messages.map(async (message) => {
      const jobId = (message.body as { jobId?: unknown } | null)?.jobId;
      if (typeof jobId !== 'string') {
        message.ack(); // not ours: nothing to run, nothing to retry
        return;
      }
      try {
        const res = await stubOf(jobObjects, jobId).fetch(`https://do/${dead ? 'dead' : 'run'}`, {
          method: 'POST',
          body: JSON.stringify({ jobId }),
        });
        const { delivery } = (await res.json()) as { delivery: Delivery };
        if (delivery === 'retry') message.retry({ delaySeconds: 1 });
        else message.ack();
      } catch {
        message.retry({ delaySeconds: 5 });
      }
    }),
  );
}

interface JobObjectRuntime {
  deps: QueuedJobDeps;
  timeoutMs: number;
}

/**
 * The per-job Durable Object class, given how to compose the services from the object's env (the
 * Workers composition root's own function, so the object runs on exactly the API's services).
 */
export function jobObjectClass(compose: (env: Record<string, unknown>) => Services) {
  return class JobObject {
    #state: DurableObjectStateLike & { storage: { deleteAlarm?(): Promise<void> } };
    #env: Record<string, unknown>;
    #events: JobEventsObject;
    #runtime: JobObjectRuntime | undefined;
    /** The attempt in flight in this object, if any: the one writer of the job's running state. */
    #attempt: AbortController | undefined;

    constructor(state: DurableObjectStateLike, env: Record<string, unknown>) {
      this.#state = state;
      this.#env = env;
      this.#events = new JobEventsObject(state, env);
    }

    /** Built on first use: a subscriber-only object never composes the services. */
    #runtimeOf(): JobObjectRuntime {
      if (this.#runtime) return this.#runtime;
      const services = compose(this.#env);
      const { db, batch, clock, storage, credits, logger, config } = services;
      const jobs = jobsRepository(db);
      // Events go straight to this object's sockets: it is the job's object.
      const bus: Pick<JobEventBus, 'publish'> = { publish: (event) => this.#broadcast(event) };
      const lifecycle = createJobLifecycle({
        batch,
        jobs,
        events: jobEventsRepository(db),
        artifacts: artifactsRepository(db),
        credits,
        bus,
        clock,
      });
      const executor = meshExecutorFrom(this.#env as CfJobBindings);
      this.#runtime = {
        deps: { jobs, uploads: uploadsRepository(db), storage, lifecycle, executor, clock, logger, meshIo: meshIoOf(config, clock) },
        timeoutMs: config.jobTimeoutMs,
      };
      return this.#runtime;
    }

    async #broadcast(event: JobEventMessage): Promise<void> {
      const res = await this.#events.fetch(new Request('https://do/publish', { method: 'POST', body: JSON.stringify(event) }));
      await res.body?.cancel();
    }

    async fetch(request: Request): Promise<Response> {
      const path = new URL(request.url).pathname;
      if (path === '/run' && request.method === 'POST') return Response.json({ delivery: await this.#run(request) });
      if (path === '/abort' && request.method === 'POST') {
        this.#attempt?.abort('cancel');
        return new Response(null, { status: 204 });
      }
      if (path === '/dead' && request.method === 'POST') return Response.json({ delivery: await this.#dead(request) });
      return this.#events.fetch(request);
    }

    async #run(request: Request): Promise<Delivery> {
      const { jobId } = (await request.json()) as { jobId: string };
      // Another delivery of this job while an attempt runs here: that attempt settles it.
      if (this.#attempt) return 'ignored';
      const controller = new AbortController();
      this.#attempt = controller;
      try {
        const runtime = this.#runtimeOf();
        await this.#state.storage.put('jobId', jobId);
        // The alarm outlives this request and the object's memory: a job cannot run forever.
        await this.#state.storage.setAlarm(Date.now() + runtime.timeoutMs);
        return await runDelivery(runtime.deps, jobId, controller);
      } finally {
        this.#attempt = undefined;
        await this.#state.storage.deleteAlarm?.();
      }
    }

    /** The queue gave up on a message: its job, if still open and not running here, fails (refunded). */
    async #dead(request: Request): Promise<Delivery> {
      const { jobId } = (await request.json()) as { jobId: string };
      if (this.#attempt) return 'ignored';
      const { deps } = this.#runtimeOf();
      const job = await deps.jobs.find(jobId);
      if (!job || TERMINAL_JOB_STATUSES.has(job.status)) return 'ignored';
      // service_unavailable: every delivery failed to get the job run (no mesh capacity answered,
      // or the object could not be reached), which is ours, not the job's; a client may resubmit.
      await deps.lifecycle.fail(
        job,
        { code: 'service_unavailable', message: 'the job could not be run (its queue message was given up on); it was refunded' },
        ['queued', 'running'],
      );
      return 'settled';
    }

    /** The timeout: the attempt in flight is stopped, and the job fails (refunded) if it still runs. */
    async alarm(): Promise<void> {
      const jobId = await this.#state.storage.get<string>('jobId');
      if (!jobId) return;
      this.#attempt?.abort('timeout');
      const { deps, timeoutMs } = this.#runtimeOf();
      const job = await deps.jobs.find(jobId);
      if (job?.status !== 'running') return;
      await deps.lifecycle.fail(job, {
        code: 'timeout',
        message: `the job ran longer than ${Math.round(timeoutMs / 1000)} s and was stopped`,
        stage: job.stage ?? undefined,
      });
    }

    webSocketClose(ws: WorkerWebSocket, code: number): Promise<void> {
      return this.#events.webSocketClose(ws, code);
    }

    webSocketMessage(): Promise<void> {
      return this.#events.webSocketMessage();
    }
  };
}
