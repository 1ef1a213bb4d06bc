/**
 * The wire between a Worker and a mesh container (src/node/mesh-container.ts): one HTTP request
 * per job attempt. Pure: web streams and typed arrays only, so both ends share it.
 *
 * Request body:  [u32 LE length][task JSON {jobId, mode, params, io?}][input bytes]
 *   With `io` (mesh-io.ts) the input bytes are empty: the container GETs the input and PUTs the
 *   artifacts through the presigned URLs it names.
 * Response body: a stream of frames [u8 kind][u32 LE length][payload]:
 *   'p' progress JSON {stage, percent}, any number, as the pipeline reports them;
 *   'r' the packed result (protocol.ts packResult layout), last;
 *   'm' with `io`: the manifest JSON {report, artifacts: StoredArtifact[]} of what it stored, last;
 *   'e' a coded pipeline failure JSON {code, message, stage}, last.
 * A response that ends without 'r' or 'e' means the process died mid-job: the caller treats it as
 * a worker crash (retried), exactly as a dead worker thread is on Node.
 */
import type { JobExecutionMode } from '../domain/job-modes.ts';
import type { MeshIo, StoredArtifact } from './mesh-io.ts';
import type { ExecutionOutcome, ProgressMessage, WorkerError } from './protocol.ts';
import { unpackResult } from './protocol.ts';

export interface MeshTask {
  jobId: string;
  mode: JobExecutionMode;
  params: Record<string, unknown>;
  io?: MeshIo;
}

/** The 'm' frame's payload. */
export interface StoredManifest {
  report: unknown;
  artifacts: StoredArtifact[];
}

const FRAME_HEADER = 5;

export function encodeTask(task: MeshTask, input: Uint8Array): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(task));
  const out = new Uint8Array(4 + json.byteLength + input.byteLength);
  new DataView(out.buffer).setUint32(0, json.byteLength, true);
  out.set(json, 4);
  out.set(input, 4 + json.byteLength);
  return out;
}

export function decodeTask(body: Uint8Array): { task: MeshTask; input: Uint8Array } {
  if (body.byteLength < 4) throw new Error('mesh task: body too short');
  const length = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(0, true);
  if (4 + length > body.byteLength) throw new Error('mesh task: header longer than the body');
  const task = JSON.parse(new TextDecoder().decode(body.subarray(4, 4 + length))) as MeshTask;
  return { task, input: body.subarray(4 + length) };
}

export type FrameKind = 'p' | 'r' | 'm' | 'e';

export function encodeFrame(kind: FrameKind, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const out = new Uint8Array(FRAME_HEADER + bytes.byteLength);
  out[0] = kind.charCodeAt(0);
  new DataView(out.buffer).setUint32(1, bytes.byteLength, true);
  out.set(bytes, FRAME_HEADER);
  return out;
}

/**
 * Reads a response's frames: progress goes to `onProgress` as it arrives, the final frame becomes
 * the outcome. Throws when the stream ends (or breaks) before a final frame: the process died.
 * Each payload is filled into one buffer of its declared size (a 20 MB STL is not re-joined per chunk).
 */
export async function readFrames(body: ReadableStream<Uint8Array>, onProgress: (p: ProgressMessage) => void): Promise<ExecutionOutcome> {
  const reader = body.getReader();
  const header = new Uint8Array(FRAME_HEADER);
  let headerFilled = 0;
  let payload: Uint8Array | undefined;
  let payloadFilled = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error('mesh process: the response ended before a result (the process died mid-job)');
    let at = 0;
    while (at < value.byteLength) {
      if (!payload) {
        const take = Math.min(FRAME_HEADER - headerFilled, value.byteLength - at);
        header.set(value.subarray(at, at + take), headerFilled);
        headerFilled += take;
        at += take;
        if (headerFilled < FRAME_HEADER) break;
        payload = new Uint8Array(new DataView(header.buffer).getUint32(1, true));
        payloadFilled = 0;
      }
      const take = Math.min(payload.byteLength - payloadFilled, value.byteLength - at);
      payload.set(value.subarray(at, at + take), payloadFilled);
      payloadFilled += take;
      at += take;
      if (payloadFilled < payload.byteLength) break;
      const kind = String.fromCharCode(header[0]) as FrameKind;
      const complete = payload;
      payload = undefined;
      headerFilled = 0;
      if (kind === 'p') onProgress(JSON.parse(new TextDecoder().decode(complete)) as ProgressMessage);
      else if (kind === 'e') {
        await reader.cancel().catch(() => undefined);
        return { ok: false, error: JSON.parse(new TextDecoder().decode(complete)) as WorkerError };
      } else if (kind === 'r') {
        await reader.cancel().catch(() => undefined);
        return { ok: true, ...unpackResult(complete.buffer as ArrayBuffer) };
      } else if (kind === 'm') {
        await reader.cancel().catch(() => undefined);
        const manifest = JSON.parse(new TextDecoder().decode(complete)) as StoredManifest;
        return { ok: true, report: manifest.report, artifacts: [], stored: manifest.artifacts };
      } else throw new Error(`mesh wire: unknown frame ${kind}`);
    }
  }
}
