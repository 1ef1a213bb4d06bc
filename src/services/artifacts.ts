/**
 * Who may read a finished job's files, and how they are named: the owner (signed in or with an
 * API key), or anyone holding a short-lived signed link to exactly one file. Another user's job
 * is "not found" — never "forbidden" — so job ids cannot be probed. Where the store signs its own
 * URLs (R2 with its S3 settings), a big file that passed those checks is fetched from the store
 * directly (`directUrl`) instead of through the service.
 */
import type { Kysely } from 'kysely';
import type { Artifact, Database, Job } from '../db/schema.ts';
import { artifactsRepository } from '../repositories/artifacts.ts';
import type { ArtifactsRepository } from '../repositories/artifacts.ts';
import { jobsRepository } from '../repositories/jobs.ts';
import type { JobsRepository } from '../repositories/jobs.ts';
import { uploadsRepository } from '../repositories/uploads.ts';
import type { UploadsRepository } from '../repositories/uploads.ts';
import { notFound, ServiceError } from '../domain/errors.ts';
import type { UrlSigner } from './signed-urls.ts';
import type { BlobStorage } from '../domain/storage.ts';

export const ARTIFACT_NAMES = [
  'model.stl',
  'model.3mf',
  'model.glb',
  'model.obj',
  'preview.png',
  'backlit.png',
  'thin-features.png',
  'report.json',
  // Colour relief: the predicted print and the swap sheet.
  'colour.png',
  'swap-sheet.json',
  'swap-sheet.png',
] as const;
export type ArtifactName = (typeof ARTIFACT_NAMES)[number];

/** The one path a signed link may open; the signature covers it, so it names one object. */
export const signedArtifactPath = (jobId: string, name: string) => `/api/files/jobs/${jobId}/${name}`;

/**
 * From this size a download goes straight to the store when it can presign: the bytes of a photo
 * relief's STL (megabytes) then skip the Worker, while previews, reports and small models (a default
 * lithophane's STL is ~50 KB) stay on our origin, where <img> and fetch() need no CORS on the bucket
 * and the ETag revalidates with a 304.
 */
export const DIRECT_DOWNLOAD_MIN_BYTES = 1024 * 1024;
/** How long the store's URL works: enough to follow the redirect (and a download manager's retry), no more. */
export const DIRECT_DOWNLOAD_SECONDS = 300;

/** Links are only ever for reading; HEAD is a GET without the body. */
const SIGNED_METHOD = 'GET';

export interface ArtifactSummary {
  name: string;
  contentType: string;
  byteSize: number;
  /** The strong ETag the download answers with, quoted as in the header. */
  etag: string;
}

export interface ArtifactDownload {
  jobId: string;
  name: string;
  contentType: string;
  /** Current size in storage (what ranges are measured against). */
  byteSize: number;
  sha256: string;
  storageKey: string;
  /** Named after the upload: `lighthouse-lithophane.stl` (without one, `lithophane-k3x9q2ab.stl`). */
  fileName: string;
  /** PNG previews open in the browser (so an <img> works); meshes and reports download. */
  disposition: 'attachment' | 'inline';
}

export interface ArtifactsService {
  list(userId: string, jobId: string): Promise<ArtifactSummary[]>;
  openOwned(userId: string, jobId: string, name: string): Promise<ArtifactDownload>;
  /** Throws 403 invalid_signature unless `query` is a live signature for exactly this file. */
  openSigned(jobId: string, name: string, query: { expires?: string; sig?: string }): Promise<ArtifactDownload>;
  createLink(userId: string, jobId: string, name: string): Promise<{ path: string; expiresAt: number }>;
  read(download: ArtifactDownload, range?: { start: number; end: number }): ReadableStream<Uint8Array>;
  /**
   * A presigned store URL for an opened (so already permitted) big file, valid at most `maxSeconds`
   * (and DIRECT_DOWNLOAD_SECONDS), answering with `disposition`; undefined when it is to be streamed.
   */
  directUrl(download: ArtifactDownload, options: { disposition: string; maxSeconds?: number }): Promise<string | undefined>;
}

export interface ArtifactsDeps {
  jobs: Pick<JobsRepository, 'find' | 'findOwned'>;
  artifacts: Pick<ArtifactsRepository, 'find' | 'forJob'>;
  /** The upload a job was made from, for the file name it downloads under. */
  uploads?: Pick<UploadsRepository, 'findById'>;
  storage: Pick<BlobStorage, 'stream' | 'size' | 'presignGet'>;
  signer: UrlSigner;
  signedUrlTtlSeconds: number;
}

export function createArtifactsService(deps: ArtifactsDeps): ArtifactsService {
  const ownedJob = async (userId: string, jobId: string) => (await deps.jobs.findOwned(userId, jobId)) ?? throwNotFound('job');

  const open = async (job: Job, name: string): Promise<ArtifactDownload> => {
    const row = (await deps.artifacts.find(job.id, name)) ?? throwNotFound(`artifact ${name}`);
    // The row is written after the file, but a purge may have removed the file since.
    const byteSize = (await deps.storage.size(row.storage_key)) ?? throwNotFound(`artifact ${name}`);
    const upload = job.upload_id ? await deps.uploads?.findById(job.upload_id) : undefined;
    return toDownload(job, row, byteSize, upload?.original_name);
  };

  return {
    async list(userId, jobId) {
      await ownedJob(userId, jobId);
      const rows = await deps.artifacts.forJob(jobId);
      return rows.map((r) => ({ name: r.name, contentType: r.content_type, byteSize: r.byte_size, etag: `"${r.etag}"` }));
    },
    async openOwned(userId, jobId, name) {
      return open(await ownedJob(userId, jobId), name);
    },
    async openSigned(jobId, name, query) {
      // Check the signature before touching the database: an unsigned caller learns nothing.
      const valid = await deps.signer.verify(SIGNED_METHOD, signedArtifactPath(jobId, name), query);
      if (!valid) throw new ServiceError('invalid_signature', 'this link is not valid or has expired; ask for a new one');
      return open((await deps.jobs.find(jobId)) ?? throwNotFound('job'), name);
    },
    async createLink(userId, jobId, name) {
      await open(await ownedJob(userId, jobId), name);
      const path = await deps.signer.sign(SIGNED_METHOD, signedArtifactPath(jobId, name), deps.signedUrlTtlSeconds);
      const expires = Number(new URL(path, 'http://link').searchParams.get('expires'));
      return { path, expiresAt: expires * 1000 };
    },
    read(download, range) {
      return deps.storage.stream(download.storageKey, range);
    },
    async directUrl(download, { disposition, maxSeconds = DIRECT_DOWNLOAD_SECONDS }) {
      const seconds = Math.min(DIRECT_DOWNLOAD_SECONDS, Math.floor(maxSeconds));
      if (!deps.storage.presignGet || download.byteSize < DIRECT_DOWNLOAD_MIN_BYTES || seconds < 1) return undefined;
      const presigned = await deps.storage.presignGet(download.storageKey, {
        expiresInSeconds: seconds,
        contentType: download.contentType,
        contentDisposition: disposition,
      });
      return presigned.url;
    },
  };
}

function toDownload(job: Job, row: Artifact, byteSize: number, uploadName?: string): ArtifactDownload {
  return {
    jobId: job.id,
    name: row.name,
    contentType: row.content_type,
    byteSize,
    sha256: row.etag,
    storageKey: row.storage_key,
    fileName: friendlyFileName(job, row.name, uploadName),
    disposition: row.content_type.startsWith('image/') ? 'inline' : 'attachment',
  };
}

/**
 * The name a file downloads under, after the photo or file it was made from: `model.stl` of a
 * lithophane of `Lighthouse at dusk.jpg` -> `Lighthouse-at-dusk-lithophane.stl`, its `preview.png` ->
 * `Lighthouse-at-dusk-lithophane-preview.png`. Without an upload (a text prompt) or a usable name,
 * the job's kind and short id: `lithophane-k3x9q2ab.stl`. Letters of any script are kept (the
 * header carries them as UTF-8); path separators, control characters and quotes never are.
 */
export function friendlyFileName(job: Pick<Job, 'id' | 'mode'>, artifactName: string, uploadName?: string): string {
  const mode =
    job.mode
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'model';
  const shortId = job.id.replace(/^[a-z]+_/, '').slice(0, 8);
  const dot = artifactName.lastIndexOf('.');
  const base = dot > 0 ? artifactName.slice(0, dot) : artifactName;
  const ext = dot > 0 ? artifactName.slice(dot) : '';
  const stem = uploadStem(uploadName);
  const head = stem ? `${stem}-${mode}` : `${mode}-${shortId}`;
  return `${head}${base === 'model' ? '' : `-${base}`}${ext}`;
}

/** `Lighthouse at dusk.jpg` -> `Lighthouse-at-dusk`; nothing usable -> undefined. */
function uploadStem(name: string | undefined): string | undefined {
  const withoutExt = (name ?? '').replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const stem = withoutExt
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60)
    .replace(/[-.]+$/, '');
  return stem || undefined;
}

function throwNotFound(what: string): never {
  throw notFound(what);
}

/** The service on the real tables (the composition's one-liner). */
export function artifactsServiceOn(
  db: Kysely<Database>,
  storage: BlobStorage,
  signer: UrlSigner,
  signedUrlTtlSeconds: number,
): ArtifactsService {
  return createArtifactsService({
    jobs: jobsRepository(db),
    artifacts: artifactsRepository(db),
    uploads: uploadsRepository(db),
    storage,
    signer,
    signedUrlTtlSeconds,
  });
}
