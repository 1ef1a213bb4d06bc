/**
 * Where the Node server counts an uploaded mesh's triangles: one worker thread of its own
 * (workers/inspect.worker.ts), not the event loop that answers HTTP and not the job pool (whose
 * threads are busy for minutes with meshing: an upload would wait behind them). Counting a 3MF
 * whose model part inflates to 384 MB is seconds of CPU (issue 14: /healthz stalled 14 s while it
 * ran on the main thread); here the thread is reniced like the mesh workers, so the event loop
 * keeps its core.
 *
 * The thread gets a copy of the bytes (the upload still needs its own to store), a small heap
 * (counting streams: it holds one inflated piece, not the part), and a time limit after which the
 * thread is terminated and replaced. Waiting uploads are capped: past that, 503 with Retry-After.
 */
import { Piscina } from 'piscina';
import { ServiceError } from '../domain/errors.ts';
import { PipelineError } from '../pipeline/errors.ts';
import type { CountTrianglesOptions } from '../pipeline/import/count-triangles.ts';
import type { MeshFormat } from '../pipeline/import/sniff.ts';
import type { CountMeshTriangles } from '../services/inspect-upload.ts';

export interface MeshInspectorOptions {
  /** Longest a count may take, queueing included (default 60 s: the 384 MB bomb takes 5-10 s on a busy 2-core box). */
  timeoutMs?: number;
  /** V8 heap of the thread (default 256 MB). */
  heapMb?: number;
  /** Uploads that may wait for the thread before more are refused with 503 (default 16). */
  maxWaiting?: number;
  /** Worker module; tests may point at a stand-in. */
  filename?: URL;
}

export interface MeshInspector {
  count: CountMeshTriangles;
  close(): Promise<void>;
}

/** Main thread -> inspector thread. `bytes` is a copy, in the transferList. */
export interface InspectTask {
  bytes: ArrayBuffer;
  format: MeshFormat;
  limits: CountTrianglesOptions;
}

/** Inspector thread -> main thread: the count, or the PipelineError it threw, as data. */
export type InspectReply =
  | { ok: true; triangles: number }
  | { ok: false; error: { code: PipelineError['code']; message: string; stage?: string; details?: Record<string, unknown> } };

const DEFAULT_WORKER = new URL('../../workers/inspect.worker.ts', import.meta.url);

export function createMeshInspector(options: MeshInspectorOptions = {}): MeshInspector {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const heapMb = options.heapMb ?? 256;
  const maxWaiting = options.maxWaiting ?? 16;
  const pool = new Piscina({
    filename: (options.filename ?? DEFAULT_WORKER).href,
    // Started on the first mesh upload and let go when idle: a server that sees none holds no thread.
    minThreads: 0,
    maxThreads: 1,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.max(4, Math.floor(heapMb / 4)) },
  });
  let inFlight = 0;

  return {
    async count(bytes, format, limits) {
      if (inFlight > maxWaiting) {
        throw new ServiceError('service_unavailable', 'too many uploads are being inspected; try again shortly', undefined, 5);
      }
      inFlight++;
      const copy = bytes.slice().buffer as ArrayBuffer;
      const task: InspectTask = { bytes: copy, format, limits };
      try {
        const reply = (await pool.run(task, { transferList: [copy], signal: AbortSignal.timeout(timeoutMs) })) as InspectReply;
        if (reply.ok) return reply.triangles;
        throw new PipelineError(reply.error.code, reply.error.message, reply.error.stage, reply.error.details);
      } catch (error) {
        throw asInspectionError(error, format, timeoutMs, heapMb);
      } finally {
        inFlight--;
      }
    },
    close: () => pool.close({ force: true }),
  };
}

/** The thread's own failures, as the upload's answer; errors the count threw are passed on as they are. */
function asInspectionError(error: unknown, format: MeshFormat, timeoutMs: number, heapMb: number): unknown {
  if (error instanceof PipelineError) return error;
  const name = format.toUpperCase();
  if ((error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError') {
    return new PipelineError('timeout', `upload: inspecting the ${name} file took longer than ${Math.round(timeoutMs / 1000)} s`, 'upload');
  }
  if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new PipelineError('out_of_memory', `upload: inspecting the ${name} file needed more than ${heapMb} MB`, 'upload');
  }
  return error;
}
