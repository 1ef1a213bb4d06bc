/**
 * The mesh container's side of MeshIo (src/jobs/mesh-io.ts): it GETs the job's input and PUTs
 * each artifact through the presigned URLs the job's Durable Object signed, and reports what it
 * stored (name, key, size, content type, SHA-256) for the object to verify. It holds no
 * credentials: a URL that expired, was altered or whose key was revoked is refused by the store
 * (S3 answers 403 with an XML code), which fails the job with `service_unavailable` and the store's
 * code in the message; the object removes whatever this attempt wrote.
 */
import { createHash } from 'node:crypto';
import type { JobFailure } from '../domain/errors.ts';
import type { MeshIo, StoredArtifact } from '../jobs/mesh-io.ts';
import type { ArtifactBytes } from '../jobs/protocol.ts';

/** A transfer the store refused or could not complete: the job's coded failure. */
export class RemoteIoError extends Error {
  override readonly name = 'RemoteIoError';
  readonly failure: JobFailure;

  constructor(failure: JobFailure) {
    super(failure.message);
    this.failure = failure;
  }
}

/** S3's XML error code, when the body has one. */
async function storeRefusal(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  return code ? `${res.status} ${code}` : String(res.status);
}

export async function fetchInput(io: MeshIo, signal: AbortSignal): Promise<Uint8Array> {
  if (!io.input) return new Uint8Array(0);
  let res: Response;
  try {
    res = await fetch(io.input.url, { signal });
  } catch (error) {
    signal.throwIfAborted();
    throw new RemoteIoError({
      code: 'service_unavailable',
      message: `the job's input could not be read from storage: ${(error as Error).message}`,
      stage: 'load',
    });
  }
  if (!res.ok) {
    throw new RemoteIoError({
      code: 'service_unavailable',
      message: `the job's input could not be read from storage (${await storeRefusal(res)})`,
      stage: 'load',
    });
  }
  return new Uint8Array(await res.arrayBuffer());
}

/** PUTs each artifact to its URL, in order; the first refusal stops the rest. */
export async function storeArtifacts(io: MeshIo, artifacts: readonly ArtifactBytes[], signal: AbortSignal): Promise<StoredArtifact[]> {
  const stored: StoredArtifact[] = [];
  for (const artifact of artifacts) {
    const target = io.outputs[artifact.name];
    if (!target) {
      throw new RemoteIoError({
        code: 'internal',
        message: `the job produced ${artifact.name}, which it was given no place to store`,
        stage: 'store',
      });
    }
    let res: Response;
    try {
      res = await fetch(target.url, { method: 'PUT', body: artifact.bytes as Uint8Array<ArrayBuffer>, signal });
    } catch (error) {
      signal.throwIfAborted();
      throw new RemoteIoError({
        code: 'service_unavailable',
        message: `${artifact.name} could not be written to storage: ${(error as Error).message}`,
        stage: 'store',
      });
    }
    if (!res.ok) {
      throw new RemoteIoError({
        code: 'service_unavailable',
        message: `${artifact.name} could not be written to storage (${await storeRefusal(res)})`,
        stage: 'store',
      });
    }
    await res.body?.cancel();
    stored.push({
      name: artifact.name,
      key: target.key,
      bytes: artifact.bytes.byteLength,
      contentType: artifact.contentType,
      sha256: createHash('sha256').update(artifact.bytes).digest('hex'),
    });
  }
  return stored;
}
