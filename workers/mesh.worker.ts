/**
 * The worker-thread entry: one task in (mode, resolved params, input bytes, a progress port), the
 * pipeline, one reply out — a packed ArrayBuffer moved back without a copy, or a coded error
 * ({code, message, stage}, never a stack). The host's piscina pool loads this file
 * directly: Node 24 strips its types in the thread as it does on the main thread.
 *
 * After a WASM fault (out-of-bounds access, abort, out of memory) the thread's manifold instance
 * is discarded, so the next task on this thread loads a fresh one instead of a damaged heap.
 */
import { setPriority } from 'node:os';
import { move } from 'piscina';
import { discardSharedManifold, sharedManifold } from '../wasm/manifold.ts';
import { IMAGE_JOB_MODES } from '../src/domain/job-modes.ts';
import { packResult } from '../src/jobs/protocol.ts';
import type { WorkerError, WorkerReply, WorkerTask } from '../src/jobs/protocol.ts';
import { sharedGlbDecoders } from '../src/node/mesh-decoders.ts';
import { nodePipelineDeps } from '../src/node/pipeline-deps.ts';
import { isPipelineError } from '../src/pipeline/errors.ts';
import type { MeshJobParams } from '../src/pipeline/mesh-params.ts';
import type { ImageJobParams } from '../src/pipeline/params.ts';
import { runMeshPipeline } from '../src/pipeline/run-mesh-pipeline.ts';
import { runImagePipeline } from '../src/pipeline/run-pipeline.ts';
import { runTextPipeline } from '../src/pipeline/run-text-pipeline.ts';
import type { TextJobRequest } from '../src/pipeline/run-text-pipeline.ts';
import { readFontFile } from '../src/node/fonts.ts';

// Mesh work yields the CPU to the HTTP event loop: on Linux setpriority(0) renices only the
// calling thread, so the server's main thread keeps answering while both cores mesh
// (bench:api, pool saturated on 2 cores: p99 662 ms, max 9.9 s, 15 time-outs before; p99 157 ms,
// max 1.2 s, none after, the same as with the pool idle).
try {
  setPriority(10);
} catch {
  // Not permitted or not supported here: run at normal priority.
}

const WASM_FAULT = /memory access out of bounds|unreachable|out of memory|Cannot enlarge memory|RuntimeError|abort/i;

export default async function meshWorker(task: WorkerTask): Promise<WorkerReply> {
  const bytes = new Uint8Array(task.input);
  const hooks = {
    onProgress: (p: { stage: string; percent: number }) => task.progress.postMessage({ stage: p.stage, percent: p.percent }),
  };
  try {
    const result =
      task.mode === 'text'
        ? await runTextJob(bytes, task.params as unknown as TextJobRequest)
        : (IMAGE_JOB_MODES as readonly string[]).includes(task.mode)
          ? await runImagePipeline(bytes, task.params as unknown as ImageJobParams, await nodePipelineDeps(hooks))
          : await runMeshPipeline(bytes, task.params as unknown as MeshJobParams, {
              ...(await nodePipelineDeps(hooks)),
              manifold: await sharedManifold(),
              decoders: await sharedGlbDecoders(),
            });
    // move() marks the buffer for transfer; piscina unwraps it on the main thread.
    return move(packResult(result.report, result.artifacts)) as unknown as ArrayBuffer;
  } catch (error) {
    const reply = toWorkerError(error);
    if (reply.code === 'out_of_memory' || WASM_FAULT.test(reply.message) || error instanceof WebAssembly.RuntimeError)
      discardSharedManifold();
    return { ok: false, error: reply };
  }
}

/** A text job's input is the user's font upload, or empty for the bundled font. */
async function runTextJob(fontUpload: Uint8Array, params: TextJobRequest) {
  const font = fontUpload.length > 0 ? fontUpload : await readFontFile();
  return runTextPipeline(params.text, font, params, await sharedManifold());
}

function toWorkerError(error: unknown): WorkerError {
  if (isPipelineError(error)) return { code: error.code, message: error.message, stage: error.stage };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `worker: ${message}` };
}
