/**
 * Where a mesh container reads a job's input and writes its artifacts when R2's S3 API is
 * configured (issue 13): the job's Durable Object signs one GET for the upload and one PUT per
 * artifact the job can produce, each for one key under this attempt's folder and valid until the
 * job's time limit. The container moves the bytes itself and answers a manifest; the isolate never
 * holds a picture or a mesh. Least privilege without a callback: no credentials, no listing, no
 * delete, no key outside the attempt's folder, and nothing once the job's time is up.
 *
 * The artifact names are a closed list (src/pipeline/run-*-pipeline.ts, export-mesh.ts); the
 * model files are narrowed to the job's `formats`. A name the pipeline produces without a URL here
 * is a bug the container reports as a coded failure (the job is refunded), never a silent loss.
 * Pure: types and string work only, shared by the Worker and the container.
 */
import type { PresignedUrl } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';

/** What the container is told instead of receiving bytes. */
export interface MeshIo {
  /** The upload to GET; absent for jobs without one (text with the bundled font). */
  input?: { url: string };
  /** Artifact name -> the key it must be written to and a presigned PUT for exactly that key. */
  outputs: Record<string, { key: string; url: string }>;
}

/** One artifact the container stored, as it reports it in its manifest. */
export interface StoredArtifact {
  name: string;
  key: string;
  bytes: number;
  contentType: string;
  sha256: string;
}

/** What signs the URLs (R2's S3 API: src/repositories/storage/s3-presigner.ts). */
export interface MeshIoSigner {
  presignGet(key: string, options: { expiresInSeconds: number }): Promise<PresignedUrl>;
  presignPutAnySize(key: string, options: { expiresInSeconds: number }): Promise<PresignedUrl>;
}

const MODEL_FORMATS = ['stl', '3mf', 'glb', 'obj'] as const;

/** Files any pipeline may add beside the model files (previews, colour plans, the report). */
const SIDE_FILES = [
  'report.json',
  'preview.png',
  'backlit.png',
  'colour.png',
  'thin-features.png',
  'swap-sheet.json',
  'swap-sheet.png',
] as const;

/** Every artifact name a job with these parameters can produce. */
export function artifactNamesFor(params: Record<string, unknown>): string[] {
  const asked = Array.isArray(params.formats) ? params.formats.filter((f): f is string => typeof f === 'string') : [];
  const formats = MODEL_FORMATS.filter((f) => asked.length === 0 || asked.includes(f));
  return [...formats.map((f) => `model.${f}`), ...SIDE_FILES];
}

export async function planMeshIo(
  signer: MeshIoSigner,
  job: { id: string; user_id: string; attempts: number; params: Record<string, unknown> },
  inputKey: string | undefined,
  expiresInSeconds: number,
): Promise<MeshIo> {
  const outputs: MeshIo['outputs'] = {};
  for (const name of artifactNamesFor(job.params)) {
    const key = storageKeys.attemptArtifact(job.user_id, job.id, job.attempts, name);
    outputs[name] = { key, url: (await signer.presignPutAnySize(key, { expiresInSeconds })).url };
  }
  const input = inputKey ? { url: (await signer.presignGet(inputKey, { expiresInSeconds })).url } : undefined;
  return { input, outputs };
}
