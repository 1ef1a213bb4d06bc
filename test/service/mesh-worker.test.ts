/**
 * The worker entry called in-thread: errors leave as {code, message, stage} with no stack, and a
 * WASM fault discards the thread's manifold instance so the next task gets a fresh one.
 */
import { describe, expect, it, vi } from 'vitest';

const discard = vi.fn();
vi.mock('../../wasm/manifold.ts', async (importOriginal) => ({ ...(await importOriginal<object>()), discardSharedManifold: discard }));

const fault = vi.hoisted(() => ({ next: undefined as Error | undefined }));
vi.mock('../../src/pipeline/run-pipeline.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/pipeline/run-pipeline.ts')>();
  return {
    ...real,
    runImagePipeline: (...args: Parameters<typeof real.runImagePipeline>) => {
      const error = fault.next;
      fault.next = undefined;
      return error ? Promise.reject(error) : real.runImagePipeline(...args);
    },
  };
});

const { default: meshWorker } = await import('../../workers/mesh.worker.ts');
const { resolveImageParams } = await import('../../src/pipeline/params.ts');
const { gradientPng } = await import('./jobs-helpers.ts');

function task(bytes: Uint8Array, progress: Array<{ stage: string }> = []) {
  const params = resolveImageParams({ mode: 'lithophane', widthMm: 20, resolutionMm: 0.5, previews: false });
  return {
    jobId: 'job_test',
    mode: 'lithophane' as const,
    params: { ...params },
    input: bytes.slice().buffer as ArrayBuffer,
    progress: { postMessage: (m: { stage: string }) => progress.push(m) },
  };
}

describe('mesh worker', () => {
  it('returns a coded error, never a stack', async () => {
    const reply = await meshWorker(task(await gradientPng(16, 16, 0)));
    expect(reply).toEqual({ ok: false, error: { code: 'image_empty', message: expect.any(String), stage: 'decode' } });
    expect(JSON.stringify(reply)).not.toMatch(/\bat .*\.ts:\d+/);
    expect(discard).not.toHaveBeenCalled();
  });

  it('posts progress and packs a success', async () => {
    const progress: Array<{ stage: string }> = [];
    const reply = await meshWorker(task(await gradientPng(), progress));
    expect(progress.map((p) => p.stage)).toEqual(expect.arrayContaining(['decode', 'validate', 'done']));
    expect(reply).not.toHaveProperty('ok'); // a move() wrapper around the packed buffer
  });

  it('discards the manifold instance after a WASM fault', async () => {
    fault.next = new WebAssembly.RuntimeError('memory access out of bounds');
    const reply = await meshWorker(task(await gradientPng()));
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(discard).toHaveBeenCalledTimes(1);
  });
});
