/**
 * The Node executor: a piscina pool of worker threads running workers/mesh.worker.ts. Input bytes
 * go in the transferList (no copy), progress comes back on a MessagePort handed over with the task,
 * the result comes back as one moved ArrayBuffer. Aborting a running task terminates its thread and
 * piscina starts a fresh one, so a cancelled or timed-out job cannot keep a core busy. A thread that
 * runs past its heap cap is replaced the same way, and its job gets the outcome `out_of_memory`.
 */
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { JobExecutor } from '../jobs/executor.ts';
import { AI_JOB_MODES } from '../domain/job-modes.ts';
import type { WorkerMode } from '../domain/job-modes.ts';
import { replyToOutcome } from '../jobs/protocol.ts';
import type { ProgressMessage, WorkerReply, WorkerTask } from '../jobs/protocol.ts';

export interface WorkerPoolOptions {
  size: number;
  /** V8 heap cap per thread. manifold's WASM heap is outside it (up to 4 GB), so keep it modest. */
  maxOldGenerationSizeMb?: number;
  /** Worker module; tests may point at a stand-in. */
  filename?: URL;
}

const DEFAULT_WORKER = new URL('../../workers/mesh.worker.ts', import.meta.url);

export function createWorkerPool(options: WorkerPoolOptions): JobExecutor {
  const heapMb = options.maxOldGenerationSizeMb ?? 1536;
  const pool = new Piscina({
    filename: (options.filename ?? DEFAULT_WORKER).href,
    minThreads: options.size,
    maxThreads: options.size,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    resourceLimits: { maxOldGenerationSizeMb: heapMb, ...youngGenerationFor(heapMb) },
  });
  let busy = 0;

  return {
    capacity: options.size,
    async execute(request, { signal, onProgress }) {
      if ((AI_JOB_MODES as readonly string[]).includes(request.mode)) {
        return {
          ok: false,
          error: { code: 'provider_unavailable', message: 'AI jobs need an AI provider; none is configured on this server' },
        };
      }
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (message: ProgressMessage) => onProgress(message));
      const input = ownedBuffer(request.input);
      const task: WorkerTask = { jobId: request.jobId, mode: request.mode as WorkerMode, params: request.params, input, progress: port2 };
      busy++;
      try {
        const reply = (await pool.run(task, { transferList: [input, port2], signal })) as WorkerReply;
        return replyToOutcome(reply);
      } catch (error) {
        // The thread hit its heap cap: piscina already replaced it. The same input would do it again,
        // so this is the job's verdict (failed, refunded), not a crash worth another attempt.
        if (!signal.aborted && (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
          return {
            ok: false,
            error: {
              code: 'out_of_memory',
              message: `the job needed more than the worker's ${heapMb} MB of memory; try a coarser resolution or fewer triangles`,
            },
          };
        }
        throw error;
      } finally {
        busy--;
        port1.close();
      }
    },
    stats: () => ({ size: options.size, busy, queued: pool.queueSize }),
    close: () => pool.close({ force: true }),
  };
}

/** A buffer that is exactly the input: a Node Buffer may be a slice of a shared pool we must not detach. */
function ownedBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

/**
 * Under Node 24 (V8 13.6) a worker whose old-generation cap is close to the default young
 * generation (about 64 MB) aborts the whole process with "Reached heap limit" instead of ending
 * the thread with ERR_WORKER_OUT_OF_MEMORY: measured with a 64 MB cap, a young generation of up
 * to 48 MB ends the thread, 64 MB (the default) takes the process down. Small caps get a young
 * generation of a quarter of the cap; caps of 512 MB and over keep V8's default.
 */
function youngGenerationFor(heapMb: number): { maxYoungGenerationSizeMb?: number } {
  return heapMb < 512 ? { maxYoungGenerationSizeMb: Math.max(4, Math.floor(heapMb / 4)) } : {};
}
