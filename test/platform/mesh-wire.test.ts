/**
 * The Worker <-> mesh container wire (src/jobs/mesh-wire.ts): a task survives the round trip, and
 * frames are read whatever the chunking; a response cut short is a crash (thrown), never a result.
 */
import { describe, expect, it } from 'vitest';
import { decodeTask, encodeFrame, encodeTask, readFrames } from '../../src/jobs/mesh-wire.ts';
import { packResult } from '../../src/jobs/protocol.ts';
import type { ProgressMessage } from '../../src/jobs/protocol.ts';

function streamOf(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

const join = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

describe('mesh wire', () => {
  it('round-trips a task and its input', () => {
    const input = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const { task, input: back } = decodeTask(encodeTask({ jobId: 'job_1', mode: 'lithophane', params: { widthMm: 80 } }, input));
    expect(task).toEqual({ jobId: 'job_1', mode: 'lithophane', params: { widthMm: 80 } });
    expect([...back]).toEqual([...input]);
  });

  it.each([1, 3, 7, 64, 100_000])('reads progress then the result in chunks of %i bytes', async (chunk) => {
    const stl = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 256);
    const packed = packResult({ triangles: 12 }, [
      { name: 'model.stl', contentType: 'model/stl', byteLength: stl.byteLength, chunks: () => [stl] },
    ]);
    const body = join([
      encodeFrame('p', JSON.stringify({ stage: 'decode', percent: 0 })),
      encodeFrame('p', JSON.stringify({ stage: 'mesh', percent: 50 })),
      encodeFrame('r', new Uint8Array(packed)),
    ]);
    const seen: ProgressMessage[] = [];
    const outcome = await readFrames(streamOf(body, chunk), (p) => seen.push(p));
    expect(seen.map((p) => p.stage)).toEqual(['decode', 'mesh']);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.report).toEqual({ triangles: 12 });
    expect([...outcome.artifacts[0].bytes]).toEqual([...stl]);
  });

  it('with MeshIo the task carries URLs and no input, and a manifest frame is the outcome', async () => {
    const io = {
      input: { url: 'https://acc.r2.cloudflarestorage.com/files/users/u/uploads/up/original?X-Amz-Signature=a' },
      outputs: { 'model.stl': { key: 'users/u/jobs/j/attempt-1/model.stl', url: 'https://acc.r2.cloudflarestorage.com/x?s=b' } },
    };
    const encoded = encodeTask({ jobId: 'j', mode: 'lithophane', params: {}, io }, new Uint8Array(0));
    expect(encoded.byteLength).toBeLessThan(400);
    const { task, input } = decodeTask(encoded);
    expect(task.io).toEqual(io);
    expect(input.byteLength).toBe(0);
    const stored = [{ name: 'model.stl', key: io.outputs['model.stl'].key, bytes: 684, contentType: 'model/stl', sha256: 'ab'.repeat(32) }];
    const body = join([
      encodeFrame('p', JSON.stringify({ stage: 'mesh', percent: 50 })),
      encodeFrame('m', JSON.stringify({ report: { triangles: 12 }, artifacts: stored })),
    ]);
    expect(await readFrames(streamOf(body, 5), () => undefined)).toEqual({ ok: true, report: { triangles: 12 }, artifacts: [], stored });
  });

  it('a coded failure is the outcome; a response cut short is thrown', async () => {
    const failure = encodeFrame('e', JSON.stringify({ code: 'decode_failed', message: 'bad' }));
    expect(await readFrames(streamOf(failure, 4), () => undefined)).toEqual({
      ok: false,
      error: { code: 'decode_failed', message: 'bad' },
    });
    const cut = join([
      encodeFrame('p', JSON.stringify({ stage: 'mesh', percent: 10 })),
      encodeFrame('r', new Uint8Array(100)).slice(0, 40),
    ]);
    await expect(readFrames(streamOf(cut, 16), () => undefined)).rejects.toThrow(/ended before a result/);
  });
});
