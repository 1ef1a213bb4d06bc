/**
 * The worker message protocol: what the main thread sends a mesh worker, what comes back, and how
 * a result's artifacts travel as ONE transferable ArrayBuffer (piscina's move() takes a single
 * transferable, and a copy of a 50 MB STL per job is what we are avoiding). Pure: no Node APIs.
 *
 * Packed result layout: [u32 little-endian header length][header JSON, UTF-8][artifact bytes...],
 * the header listing each artifact's name, content type, offset and length within the buffer.
 */
import type { JobFailure } from '../domain/errors.ts';
import type { WorkerMode } from '../domain/job-modes.ts';
import type { StoredArtifact } from './mesh-io.ts';

/** Progress the worker posts on the port it was given. */
export interface ProgressMessage {
  stage: string;
  percent: number;
}

export interface ProgressSink {
  postMessage(message: ProgressMessage): void;
}

/** Main thread -> worker. `input` is in the transferList, so the sender's copy is detached. */
export interface WorkerTask {
  jobId: string;
  mode: WorkerMode;
  /** Resolved parameters (resolveImageParams / resolveMeshParams output). */
  params: Record<string, unknown>;
  input: ArrayBuffer;
  progress: ProgressSink;
}

/** A worker's coded failure: the job's failure as stored. */
export type WorkerError = JobFailure;

/** Worker -> main thread: a packed ArrayBuffer on success, a coded error otherwise (never a stack). */
export type WorkerReply = ArrayBuffer | { ok: false; error: WorkerError };

export interface ArtifactBytes {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

/** What the runner receives from any executor. */
export type ExecutionOutcome =
  | {
      ok: true;
      report: unknown;
      artifacts: ArtifactBytes[];
      /** Artifacts the executor already wrote to storage itself (a mesh container with MeshIo): verified, not stored again. */
      stored?: StoredArtifact[];
    }
  | { ok: false; error: WorkerError };

interface PackedHeader {
  report: unknown;
  artifacts: Array<{ name: string; contentType: string; offset: number; length: number }>;
}

export function packResult(
  report: unknown,
  artifacts: Array<{ name: string; contentType: string; byteLength: number; chunks: () => Iterable<Uint8Array> }>,
): ArrayBuffer {
  const index: PackedHeader['artifacts'] = [];
  let dataLength = 0;
  for (const a of artifacts) {
    index.push({ name: a.name, contentType: a.contentType, offset: dataLength, length: a.byteLength });
    dataLength += a.byteLength;
  }
  const header = new TextEncoder().encode(JSON.stringify({ report, artifacts: index } satisfies PackedHeader));
  const dataStart = 4 + header.byteLength;
  const out = new Uint8Array(dataStart + dataLength);
  new DataView(out.buffer).setUint32(0, header.byteLength, true);
  out.set(header, 4);
  artifacts.forEach((a, i) => {
    let at = dataStart + index[i].offset;
    for (const chunk of a.chunks()) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    if (at !== dataStart + index[i].offset + a.byteLength)
      throw new Error(`pack: ${a.name} yielded ${at - dataStart - index[i].offset} bytes, declared ${a.byteLength}`);
  });
  return out.buffer;
}

/** Views into the buffer (no copies). */
export function unpackResult(buffer: ArrayBuffer): { report: unknown; artifacts: ArtifactBytes[] } {
  const headerLength = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headerLength))) as PackedHeader;
  const dataStart = 4 + headerLength;
  return {
    report: header.report,
    artifacts: header.artifacts.map((a) => ({
      name: a.name,
      contentType: a.contentType,
      bytes: new Uint8Array(buffer, dataStart + a.offset, a.length),
    })),
  };
}

export function replyToOutcome(reply: WorkerReply): ExecutionOutcome {
  if (reply instanceof ArrayBuffer) return { ok: true, ...unpackResult(reply) };
  return reply;
}
