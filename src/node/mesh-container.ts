/**
 * The mesh process: what runs inside a Cloudflare Container (the top-level Dockerfile) and, in
 * tests and benches, as a local child process. It is the embedded default's worker pool (sharp,
 * manifold-3d, workers/mesh.worker.ts) behind one HTTP route, POST /run: the task in the body,
 * progress and the result streamed back as frames (src/jobs/mesh-wire.ts). It keeps no state and
 * touches no database: the Worker's per-job Durable Object claims the job and settles it. Two ways
 * the bytes travel (the object picks one):
 * - the task names presigned R2 URLs (MeshIo, src/jobs/mesh-io.ts; R2's S3 API configured): this
 *   process GETs the input and PUTs the artifacts itself (mesh-remote-io.ts) and answers a
 *   manifest, so no picture or mesh crosses the object's 128 MB isolate;
 * - otherwise the input comes in the body and the packed artifacts go back in the response.
 *
 * It takes at most `size` tasks at once (one per pool thread) and answers 503 beyond that, so the
 * caller can try another instance instead of queueing behind a long job here. A client that goes
 * away (cancel, timeout, the Worker's isolate gone) aborts its task, which ends the thread.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { decodeTask, encodeFrame } from '../jobs/mesh-wire.ts';
import { packResult } from '../jobs/protocol.ts';
import type { JobExecutor } from '../jobs/executor.ts';
import { fetchInput, RemoteIoError, storeArtifacts } from './mesh-remote-io.ts';

export interface MeshContainer {
  server: Server;
  /** Tasks accepted and not yet answered. */
  inFlight(): number;
  /** Size of the last task's request body (with MeshIo it carries URLs, not the input). */
  lastTaskBytes(): number;
  close(): Promise<void>;
}

/** Input larger than this is refused (413): uploads are capped well below it. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export function createMeshContainer(pool: JobExecutor): MeshContainer {
  let inFlight = 0;
  let lastTaskBytes = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://mesh').pathname;
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...pool.stats(), inFlight, lastTaskBytes }));
      return;
    }
    if (req.method !== 'POST' || path !== '/run') {
      res.writeHead(404).end();
      return;
    }
    if (inFlight >= pool.capacity) {
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ busy: inFlight, size: pool.capacity }));
      return;
    }
    inFlight++;
    void run(pool, req, res, (bytes) => {
      lastTaskBytes = bytes;
    }).finally(() => inFlight--);
  });
  return {
    server,
    inFlight: () => inFlight,
    lastTaskBytes: () => lastTaskBytes,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}

async function run(pool: JobExecutor, req: IncomingMessage, res: ServerResponse, received: (bytes: number) => void): Promise<void> {
  const controller = new AbortController();
  // The caller went away before the answer was complete: stop the task (its thread is replaced).
  res.on('close', () => {
    if (!res.writableFinished) controller.abort('cancel');
  });
  let body: Uint8Array;
  try {
    body = await readBody(req);
  } catch (error) {
    res.writeHead(413, { 'content-type': 'text/plain' }).end((error as Error).message);
    return;
  }
  received(body.byteLength);
  let decoded: ReturnType<typeof decodeTask>;
  try {
    decoded = decodeTask(body);
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end((error as Error).message);
    return;
  }
  const { task } = decoded;
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
  // The caller reads an answer as "the task started here", no answer as "try another process".
  res.flushHeaders();
  try {
    const input = task.io ? await fetchInput(task.io, controller.signal) : decoded.input;
    const outcome = await pool.execute(
      { jobId: task.jobId, mode: task.mode, params: task.params, input },
      { signal: controller.signal, onProgress: (p) => res.write(encodeFrame('p', JSON.stringify(p))) },
    );
    if (outcome.ok && task.io) {
      const artifacts = await storeArtifacts(task.io, outcome.artifacts, controller.signal);
      res.end(encodeFrame('m', JSON.stringify({ report: outcome.report, artifacts })));
    } else if (outcome.ok) {
      const packed = packResult(
        outcome.report,
        outcome.artifacts.map((a) => ({
          name: a.name,
          contentType: a.contentType,
          byteLength: a.bytes.byteLength,
          chunks: () => [a.bytes],
        })),
      );
      res.end(encodeFrame('r', new Uint8Array(packed)));
    } else res.end(encodeFrame('e', JSON.stringify(outcome.error)));
  } catch (error) {
    // The store refused a transfer: the job's verdict (the object removes what was written).
    if (error instanceof RemoteIoError) {
      res.end(encodeFrame('e', JSON.stringify(error.failure)));
      return;
    }
    // The worker itself failed (crash, abort): end the stream without a result, which the caller
    // reads as a crash and retries (a coded pipeline error above is the job's verdict instead).
    res.destroy();
  }
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.byteLength;
    if (length > MAX_BODY_BYTES) throw new Error(`the task is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
