/**
 * Uploads: a file is inspected (content sniffing, header limits) BEFORE it is accepted, stored
 * once, unaltered, under a key computed from its id, and its sha256 recorded. Large files go
 * through a short-lived signed PUT URL and are inspected on "complete"; a file that fails then
 * is deleted with its row. The URL is ours (the bytes stream through this service) unless the
 * storage can presign one (R2): then the client PUTs straight to the store. Every read is scoped to the owner: someone else's upload is a 404.
 */
import type { Upload } from '../db/schema.ts';
import type { UploadsRepository } from '../repositories/uploads.ts';
import { newId, randomToken, sha256Hex } from '../domain/ids.ts';
import { inspectUpload } from './inspect-upload.ts';
import type { CountMeshTriangles, ReadImageHeader } from './inspect-upload.ts';
import { ServiceError, notFound } from '../domain/errors.ts';
import type { UrlSigner } from './signed-urls.ts';
import { storageKeys } from '../domain/storage.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { fileTooLarge } from './upload-limits.ts';
import type { UploadLimits } from './upload-limits.ts';
import { readChunks } from './web-stream.ts';

export interface UploadsServiceDeps {
  uploads: UploadsRepository;
  storage: BlobStorage;
  signer: UrlSigner;
  readImageHeader: ReadImageHeader;
  /** Where mesh triangles are counted (the Node server: a thread of its own). */
  countTriangles: CountMeshTriangles;
  clock: () => number;
  limits: UploadLimits;
  signedUrlTtlSeconds: number;
  /** Origin put in front of signed paths (BASE_URL). */
  publicOrigin: string;
  /** An image URL's bytes under the guarded fetch's rules (repositories/image-url.ts); absent = no image URLs here. */
  fetchImageUrl?: (url: string, maxBytes: number) => Promise<Uint8Array>;
  /** Retention: when an upload made now will be purged (null = kept). Without it uploads are kept. */
  expiresAt?: (userId: string, createdAt: number) => Promise<number | null>;
}

export interface UploadView {
  id: string;
  status: 'pending' | 'ready';
  /** null while a signed-URL upload is pending: nothing has been inspected yet. */
  kind: 'image' | 'mesh' | 'font' | null;
  format: string | null;
  originalName: string;
  byteSize: number;
  sha256: string | null;
  width: number | null;
  height: number | null;
  triangles: number | null;
  createdAt: number;
  /** When the retention purge deletes it (epoch ms); null = kept. */
  expiresAt: number | null;
}

/**
 * The one upload shape (as POST /uploads answers: `id`, `status` pending...), plus where to PUT the
 * bytes. `uploadId` is the same id under the name this answer used first; kept for clients that read it.
 */
export interface SignedUpload extends Omit<UploadView, 'expiresAt'> {
  /** @deprecated the same as `id`. */
  uploadId: string;
  uploadUrl: string;
  method: 'PUT';
  /** When the upload URL stops working (epoch ms); `expiresAt` says the same, as it did first. */
  uploadUrlExpiresAt: number;
  /** Here, unlike on an Upload: when the upload URL stops working (kept from the first version of this answer). */
  expiresAt: number;
}

export interface UploadPage {
  uploads: UploadView[];
  /** The last row of this page when there are more. */
  next: { createdAt: number; id: string } | undefined;
}

/** The path a signed PUT goes to; the signature covers exactly this path and method. */
export const uploadContentPath = (id: string) => `/api/v1/uploads/${id}/content`;

/** Pending rows need a kind and format (NOT NULL); these placeholders are never shown. */
const PENDING_KIND = 'image';
const PENDING_FORMAT = 'pending';

export function createUploadsService(deps: UploadsServiceDeps) {
  const { uploads, storage, limits, clock } = deps;
  const inspectors = { readImageHeader: deps.readImageHeader, countTriangles: deps.countTriangles };
  const expiry = async (userId: string, createdAt: number) => (deps.expiresAt ? deps.expiresAt(userId, createdAt) : null);

  async function findOwned(userId: string, id: string): Promise<Upload> {
    const row = await uploads.findOwned(userId, id);
    if (!row) throw notFound('upload');
    return row;
  }

  /**
   * A direct upload (presignPut) lands at a staging key the client wrote to the store itself. The
   * first /complete claims it as the service's own PUT would (the same single-use states) and moves
   * it into place with the row, so a later PUT to the still-valid URL only writes a stray staging
   * object: it can never replace the file that was inspected.
   */
  async function takeDirectUpload(row: Upload): Promise<Upload> {
    const staged = storageKeys.directUpload(row.id);
    if ((await storage.size(staged)) === undefined) throw ServiceError.of('upload_not_ready', 'nothing has been PUT to the upload URL yet');
    if (!(await uploads.claimPut(row.id))) return findOwned(row.user_id, row.id);
    let placed = false;
    try {
      placed = await uploads.finishPut(
        row.id,
        () => storage.move(staged, row.storage_key),
        (ownerGone) => (ownerGone ? storage.deletePrefix(storageKeys.userPrefix(row.user_id)) : storage.delete(row.storage_key)),
      );
    } finally {
      if (!placed) await uploads.releasePut(row.id);
    }
    if (!placed) throw notFound('upload');
    return { ...row, put_state: 'received' };
  }

  return {
    /**
     * A file that arrived whole (multipart): inspect, write it to a staging name, then record the
     * row and move the file into place together (no file without its row, nor the other way round).
     */
    async create(userId: string, file: { name: string; bytes: Uint8Array }): Promise<UploadView> {
      if (file.bytes.byteLength > limits.maxBytes) throw fileTooLarge(limits.maxBytes);
      const inspection = await inspectUpload(file.bytes, inspectors, limits);
      const id = newId('upl');
      const key = storageKeys.upload(userId, id);
      const staged = storageKeys.stagedUpload(id, randomToken(9));
      try {
        const stored = await storage.put(staged, [file.bytes], { maxBytes: limits.maxBytes });
        const createdAt = clock();
        const row: Upload = {
          id,
          user_id: userId,
          kind: inspection.kind,
          format: inspection.format,
          status: 'ready',
          original_name: cleanName(file.name),
          byte_size: stored.byteLength,
          sha256: stored.sha256,
          width: inspection.width,
          height: inspection.height,
          triangles: inspection.triangles,
          storage_key: key,
          created_at: createdAt,
          expires_at: await expiry(userId, createdAt),
          put_state: 'none',
        };
        await uploads.insertPlacing(
          row,
          () => storage.move(staged, key),
          (ownerGone) => (ownerGone ? storage.deletePrefix(storageKeys.userPrefix(userId)) : storage.delete(key)),
        );
        return toView(row);
      } finally {
        await storage.delete(staged); // gone already once moved; a leftover when anything failed
      }
    },

    /**
     * An image given by its address: fetched through the guard (public addresses, redirect and byte
     * limits), then taken exactly as a multipart upload of the same bytes (inspection, pixel limits).
     * Only pictures: a 3D file at the address is refused, 415.
     */
    async createFromUrl(userId: string, url: string): Promise<UploadView> {
      if (!deps.fetchImageUrl) throw ServiceError.of('service_unavailable', 'image URLs are not fetched on this server');
      const bytes = await deps.fetchImageUrl(url, limits.maxBytes);
      const inspection = await inspectUpload(bytes, inspectors, limits);
      if (inspection.kind !== 'image')
        throw ServiceError.of(
          'unsupported_media_type',
          'the address holds a 3D file; only pictures can be fetched by URL (upload 3D files)',
        );
      return this.create(userId, { name: nameFromUrl(url), bytes });
    },

    /**
     * An owned, ready picture's bytes (the create page previews and crops a picture it fetched by URL).
     * Only images: a picture is shown as image/<format> with nosniff; 3D files are not served back here.
     */
    async content(userId: string, id: string) {
      const row = await findOwned(userId, id);
      if (row.status !== 'ready' || !row.sha256) throw ServiceError.of('upload_not_ready', 'the upload has not been completed');
      if (row.kind !== 'image') throw ServiceError.of('upload_kind_mismatch', 'only pictures can be read back');
      const key = row.storage_key;
      return {
        size: row.byte_size,
        sha256: row.sha256,
        contentType: `image/${row.format === 'jpg' ? 'jpeg' : row.format}`,
        name: row.original_name,
        open: (range?: { start: number; end: number }) => storage.stream(key, range),
      };
    },

    /** Step 1 of a large upload: a pending row and a URL that can PUT exactly this file, once, soon. */
    /** `origin`: where the caller reached us (links follow it unless BASE_URL is pinned); default publicOrigin. */
    async createSignedUpload(userId: string, request: { filename?: string; byteSize: number }, origin?: string): Promise<SignedUpload> {
      if (request.byteSize > limits.maxBytes) throw fileTooLarge(limits.maxBytes);
      const id = newId('upl');
      const createdAt = clock();
      const row: Upload = {
        id,
        user_id: userId,
        kind: PENDING_KIND,
        format: PENDING_FORMAT,
        status: 'pending',
        original_name: cleanName(request.filename ?? ''),
        byte_size: request.byteSize,
        sha256: null,
        width: null,
        height: null,
        triangles: null,
        storage_key: storageKeys.upload(userId, id),
        created_at: createdAt,
        expires_at: await expiry(userId, createdAt),
        put_state: 'none',
      };
      await uploads.insert(row);
      if (storage.presignPut) {
        // The store takes the bytes itself (R2): a URL for exactly the declared size, to a staging key.
        const direct = await storage.presignPut(storageKeys.directUpload(id), {
          byteLength: request.byteSize,
          expiresInSeconds: deps.signedUrlTtlSeconds,
        });
        return {
          ...toView(row),
          uploadId: id,
          uploadUrl: direct.url,
          method: 'PUT',
          uploadUrlExpiresAt: direct.expiresAt,
          expiresAt: direct.expiresAt,
        };
      }
      const signedPath = await deps.signer.sign('PUT', uploadContentPath(id), deps.signedUrlTtlSeconds);
      const expires = Number(new URL(signedPath, 'http://x').searchParams.get('expires'));
      return {
        ...toView(row),
        uploadId: id,
        uploadUrl: (origin ?? deps.publicOrigin).replace(/\/$/, '') + signedPath,
        method: 'PUT',
        uploadUrlExpiresAt: expires * 1000,
        expiresAt: expires * 1000,
      };
    },

    /**
     * Step 2: the signed PUT. No session: the signature is the permission. The URL is single use:
     * the PUT claims the upload first (a second one, or one after /complete, is a 409 that reads
     * nothing), streams to a staging name under the declared size, then moves the file into place
     * and records it received (the file is taken back if the upload went meanwhile). A PUT that
     * fails gives the claim back.
     */
    async receiveSignedPut(
      id: string,
      query: { expires?: string; sig?: string },
      body: ReadableStream<Uint8Array> | null,
      contentLength?: number,
    ): Promise<void> {
      if (!(await deps.signer.verify('PUT', uploadContentPath(id), query))) {
        throw ServiceError.of('forbidden', 'the upload URL is not valid or has expired; ask for a new one');
      }
      const row = await uploads.findById(id);
      if (!row) throw notFound('upload');
      if (row.status === 'ready') throw ServiceError.of('conflict', 'this upload is already complete');
      const maxBytes = Math.min(row.byte_size, limits.maxBytes);
      if (contentLength !== undefined && contentLength > maxBytes) throw fileTooLarge(maxBytes);
      if (!body) throw ServiceError.of('invalid_request', 'the PUT has no body');
      if (!(await uploads.claimPut(id))) throw urlUsed();
      const staged = storageKeys.stagedUpload(id, randomToken(9));
      let placed = false;
      try {
        await storage.put(staged, readChunks(body), { maxBytes });
        placed = await uploads.finishPut(
          id,
          () => storage.move(staged, row.storage_key),
          (ownerGone) => (ownerGone ? storage.deletePrefix(storageKeys.userPrefix(row.user_id)) : storage.delete(row.storage_key)),
        );
        if (!placed) throw notFound('upload');
      } catch (error) {
        if (!placed) await uploads.releasePut(id);
        if (error instanceof ServiceError && error.code === 'payload_too_large') throw fileTooLarge(maxBytes);
        throw error;
      } finally {
        await storage.delete(staged); // gone once moved; what a failed PUT left otherwise
      }
    },

    /** Step 3: inspect what the one PUT stored. A file we cannot take is deleted, row and all. */
    async complete(userId: string, id: string): Promise<UploadView> {
      let row = await findOwned(userId, id);
      if (row.status === 'ready') return toView(row);
      if (row.put_state === 'none' && storage.presignPut) row = await takeDirectUpload(row);
      if (row.put_state !== 'received') {
        const why = row.put_state === 'receiving' ? 'the file is still being PUT' : 'nothing has been PUT to the upload URL yet';
        throw ServiceError.of('upload_not_ready', why);
      }
      const size = await storage.size(row.storage_key);
      if (size === undefined) throw ServiceError.of('upload_not_ready', 'nothing has been PUT to the upload URL yet');
      try {
        if (size > limits.maxBytes) throw fileTooLarge(limits.maxBytes);
        const bytes = await storage.get(row.storage_key);
        const inspection = await inspectUpload(bytes, inspectors, limits);
        const fields = {
          kind: inspection.kind,
          format: inspection.format,
          byte_size: bytes.byteLength,
          sha256: await sha256Hex(bytes),
          width: inspection.width,
          height: inspection.height,
          triangles: inspection.triangles,
        };
        // A /complete racing this one may have been first; both read the same immutable file.
        if (!(await uploads.markReady(id, fields))) return toView(await findOwned(userId, id));
        return toView({ ...row, ...fields, status: 'ready' });
      } catch (error) {
        await storage.delete(row.storage_key);
        await uploads.deleteOwned(userId, id);
        throw error;
      }
    },

    async get(userId: string, id: string): Promise<UploadView> {
      return toView(await findOwned(userId, id));
    },

    async list(userId: string, limit: number, after?: { createdAt: number; id: string }): Promise<UploadPage> {
      const rows = await uploads.listOwned(userId, limit + 1, after);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { uploads: page.map(toView), next: rows.length > limit && last ? { createdAt: last.created_at, id: last.id } : undefined };
    },

    /** Removes the file, then the row (a row without its file would be a lost upload). */
    async remove(userId: string, id: string): Promise<void> {
      const row = await findOwned(userId, id);
      await storage.delete(row.storage_key);
      if (row.status === 'pending' && storage.presignPut) await storage.delete(storageKeys.directUpload(id));
      await uploads.deleteOwned(userId, id);
    },
  };
}

export type UploadsService = ReturnType<typeof createUploadsService>;

const urlUsed = () => ServiceError.of('conflict', 'this upload URL was already used; ask for a new one to send another file');

function toView(row: Upload): UploadView {
  const pending = row.status === 'pending';
  return {
    id: row.id,
    status: row.status,
    kind: pending ? null : row.kind,
    format: pending ? null : row.format,
    originalName: row.original_name,
    byteSize: row.byte_size,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    triangles: row.triangles,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** Only the last path segment, no control characters, at most 255 characters: it is shown, never used as a path. */
/** The last path segment of an image URL ("photo.jpg"), or "image" when it has none. */
function nameFromUrl(url: string): string {
  let segment = '';
  try {
    segment = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    /* a malformed escape: keep the default */
  }
  return cleanName(segment) || 'image';
}

function cleanName(name: string): string {
  return (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
}
