/**
 * Share tokens: the owner of a succeeded job mints a public, revocable handle on its preview (the
 * embed widget reads it); anyone holding the token may read the name, size, poster and a
 * meshopt-compressed GLB, and nothing else. Rules:
 * - Only the owner creates, lists and revokes; another user's job or token is "not found".
 * - Only a succeeded job with a mesh can be shared (409 / 422 otherwise).
 * - A revoked or unknown token is the same 404 to the public: no way to tell them apart.
 * - The compressed GLB is built once (at share creation, or on the first public request if it
 *   has gone missing) and stored as the job's `model.meshopt.glb` artifact; concurrent first
 *   requests share one build.
 * - The public side never sees user ids, job ids or storage keys.
 */
import type { Artifact, Job, Share } from '../db/schema.ts';
import { writeMeshoptGlb } from '../pipeline/export/meshopt-glb.ts';
import { readMesh } from '../pipeline/import/read-mesh.ts';
import type { ArtifactsRepository } from '../repositories/artifacts.ts';
import type { JobsRepository } from '../repositories/jobs.ts';
import type { SharesRepository } from '../repositories/shares.ts';
import type { UploadsRepository } from '../repositories/uploads.ts';
import { randomToken } from '../domain/ids.ts';
import { notFound, ServiceError } from '../domain/errors.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';

/** The compressed preview stored beside the job's other files. */
export const SHARE_MODEL_ARTIFACT = 'model.meshopt.glb';
const POSTER_ARTIFACT = 'preview.png';
/** Where the preview's triangles come from, best first (our GLB is the cheapest to read). */
const MESH_SOURCES = ['model.glb', 'model.stl', 'model.3mf', 'model.obj'] as const;
/** 16 bytes = 128 bits, base64url without padding. */
const TOKEN_BYTES = 16;
export const SHARE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const MAX_NAME = 120;

export interface ShareView {
  token: string;
  name: string;
  active: boolean;
  createdAt: number;
  revokedAt: number | null;
  /** Public JSON of the share: `/s/TOKEN` on the public origin. */
  url: string;
  /** A page that shows only the viewer, for an iframe. */
  embedUrl: string;
  /** Paste into any page: the widget script and the element. */
  snippet: string;
}

export interface PublicShare {
  name: string;
  dimensionsMm: [number, number, number] | null;
  triangles: number | null;
  /** Absolute URL of the poster image, or null when the job made no preview. */
  poster: string | null;
  model: string;
}

export interface ShareFile {
  contentType: string;
  byteSize: number;
  sha256: string;
  storageKey: string;
}

export interface SharesDeps {
  shares: SharesRepository;
  jobs: Pick<JobsRepository, 'find' | 'findOwned'>;
  artifacts: Pick<ArtifactsRepository, 'find' | 'upsert'>;
  uploads: Pick<UploadsRepository, 'findById'>;
  storage: Pick<BlobStorage, 'get' | 'put' | 'size' | 'stream'>;
  /** meshoptimizer's MeshoptEncoder once ready (WASM; the composition makes it). */
  meshoptEncoder: () => Promise<unknown>;
  clock: () => number;
  /** Origin the public links are built on (BASE_URL). */
  publicOrigin: string;
}

export function createSharesService(deps: SharesDeps) {
  const defaultOrigin = deps.publicOrigin.replace(/\/$/, '');
  /** Links follow the address the caller used (unless BASE_URL is pinned: then the route passes it). */
  const originOf = (given?: string) => (given ?? defaultOrigin).replace(/\/$/, '');
  const building = new Map<string, Promise<ShareFile>>();

  const view = (share: Share, name: string, at?: string): ShareView => {
    const origin = originOf(at);
    const url = `${origin}/s/${share.token}`;
    return {
      token: share.token,
      name,
      active: share.revoked_at === null,
      createdAt: share.created_at,
      revokedAt: share.revoked_at,
      url,
      embedUrl: `${origin}/embed/${share.token}`,
      snippet: `<script type="module" src="${origin}/widget.js"></script>\n<stl-viewer src="${url}"></stl-viewer>`,
    };
  };

  const defaultName = async (job: Job): Promise<string> => {
    const upload = job.upload_id ? await deps.uploads.findById(job.upload_id) : undefined;
    const stem = upload?.original_name.replace(/\.[^.]*$/, '').trim();
    if (stem) return stem.slice(0, MAX_NAME);
    return job.mode.charAt(0).toUpperCase() + job.mode.slice(1).replace(/-/g, ' ');
  };
  const nameOf = async (share: Share, job: Job) => share.name ?? (await defaultName(job));

  const fileOf = async (job: Job, name: string): Promise<ShareFile | undefined> => {
    const row = await deps.artifacts.find(job.id, name);
    if (!row) return undefined;
    const byteSize = await deps.storage.size(row.storage_key);
    return byteSize === undefined ? undefined : { contentType: row.content_type, byteSize, sha256: row.etag, storageKey: row.storage_key };
  };

  const buildModel = async (job: Job): Promise<ShareFile> => {
    let source: Artifact | undefined;
    for (const name of MESH_SOURCES) if ((source = await deps.artifacts.find(job.id, name))) break;
    if (!source) throw new ServiceError('nothing_to_preview', 'this job has no mesh file to preview');
    const { mesh } = await readMesh(await deps.storage.get(source.storage_key));
    const bytes = await writeMeshoptGlb(mesh, { encoder: await deps.meshoptEncoder(), name: 'model' });
    const key = storageKeys.artifact(job.user_id, job.id, SHARE_MODEL_ARTIFACT);
    const stored = await deps.storage.put(key, [bytes]);
    const row: Artifact = {
      job_id: job.id,
      name: SHARE_MODEL_ARTIFACT,
      content_type: 'model/gltf-binary',
      byte_size: stored.byteLength,
      etag: stored.sha256,
      storage_key: key,
      created_at: deps.clock(),
    };
    // Upsert: a row may be left from an earlier build whose file was purged since.
    await deps.artifacts.upsert(row);
    return { contentType: row.content_type, byteSize: stored.byteLength, sha256: stored.sha256, storageKey: key };
  };

  /** The stored compressed model, built once; callers racing on the first build share it. */
  const ensureModel = async (job: Job): Promise<ShareFile> => {
    const existing = await fileOf(job, SHARE_MODEL_ARTIFACT);
    if (existing) return existing;
    let pending = building.get(job.id);
    if (!pending) {
      pending = buildModel(job).finally(() => building.delete(job.id));
      building.set(job.id, pending);
    }
    return pending;
  };

  const ownedJob = async (userId: string, jobId: string) => (await deps.jobs.findOwned(userId, jobId)) ?? throwNotFound('job');

  /** A live share and its job; anything else is the one public 404. */
  const live = async (token: string): Promise<{ share: Share; job: Job }> => {
    const share = SHARE_TOKEN_PATTERN.test(token) ? await deps.shares.find(token) : undefined;
    const job = share && share.revoked_at === null ? await deps.jobs.find(share.job_id) : undefined;
    if (!share || !job || job.status !== 'succeeded') throw notShared();
    return { share, job };
  };

  return {
    async create(userId: string, jobId: string, input: { name?: string } = {}, origin?: string): Promise<ShareView> {
      const job = await ownedJob(userId, jobId);
      if (job.status !== 'succeeded')
        throw ServiceError.of('conflict', `only a succeeded job can be shared; this one is ${job.status}`, { status: job.status });
      await ensureModel(job);
      const name = input.name?.trim().slice(0, MAX_NAME) || null;
      const share: Share = {
        token: randomToken(TOKEN_BYTES),
        job_id: job.id,
        user_id: userId,
        name,
        created_at: deps.clock(),
        revoked_at: null,
      };
      await deps.shares.insert(share);
      return view(share, await nameOf(share, job), origin);
    },

    async list(userId: string, jobId: string, origin?: string): Promise<ShareView[]> {
      const job = await ownedJob(userId, jobId);
      const rows = await deps.shares.forJob(userId, job.id);
      const fallback = await defaultName(job);
      return rows.map((share) => view(share, share.name ?? fallback, origin));
    },

    /** Idempotent for the owner (revoking twice is fine); someone else's token is not found. */
    async revoke(userId: string, token: string): Promise<void> {
      const share = SHARE_TOKEN_PATTERN.test(token) ? await deps.shares.find(token) : undefined;
      if (!share || share.user_id !== userId) throw throwNotFound('share');
      await deps.shares.revoke(userId, token, deps.clock());
    },

    /** True while the token opens something (the embed page answers 404 otherwise). */
    async isLive(token: string): Promise<boolean> {
      return live(token).then(
        () => true,
        () => false,
      );
    },

    async describe(token: string, origin?: string): Promise<PublicShare> {
      const { share, job } = await live(token);
      const report = parseReport(job.result);
      const poster = await deps.artifacts.find(job.id, POSTER_ARTIFACT);
      const base = `${originOf(origin)}/s/${share.token}`;
      return {
        name: await nameOf(share, job),
        dimensionsMm: report.dimensionsMm,
        triangles: report.triangles,
        poster: poster ? `${base}/poster.png` : null,
        model: `${base}/model.glb`,
      };
    },

    async openModel(token: string): Promise<ShareFile> {
      try {
        return await ensureModel((await live(token)).job);
      } catch (error) {
        // The job's files were purged (retention) since the share was made: gone, like a revocation.
        if (error instanceof ServiceError && error.code === 'nothing_to_preview') throw notShared();
        throw error;
      }
    },

    async openPoster(token: string): Promise<ShareFile> {
      const { job } = await live(token);
      return (await fileOf(job, POSTER_ARTIFACT)) ?? throwNotFound('poster');
    },

    read(file: ShareFile, range?: { start: number; end: number }): ReadableStream<Uint8Array> {
      return deps.storage.stream(file.storageKey, range);
    },
  };
}

export type SharesService = ReturnType<typeof createSharesService>;

/** Size and triangle count from the job's report (image and mesh reports both carry them). */
function parseReport(result: string | null): { dimensionsMm: [number, number, number] | null; triangles: number | null } {
  let report: { boundingBoxMm?: { size?: unknown }; triangles?: unknown } = {};
  try {
    report = result ? JSON.parse(result) : {};
  } catch {
    // A report we cannot read only loses the numbers, never the preview.
  }
  const size = report?.boundingBoxMm?.size;
  const dimensionsMm =
    Array.isArray(size) && size.length === 3 && size.every((v) => typeof v === 'number' && Number.isFinite(v))
      ? (size.map((v: number) => Math.round(v * 100) / 100) as [number, number, number])
      : null;
  const triangles = typeof report?.triangles === 'number' ? report.triangles : null;
  return { dimensionsMm, triangles };
}

function notShared(): ServiceError {
  return new ServiceError('not_shared', 'this model is no longer shared (or the link is wrong)');
}

function throwNotFound(what: string): never {
  throw notFound(what);
}
