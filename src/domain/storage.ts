/**
 * The storage port services use, and the keys of everything we store: pure functions of ids
 * (Immich's habit), so a user's files can be found, exported and deleted by prefix.
 */
export interface StoredObject {
  byteLength: number;
  sha256: string;
}

/** One object a listing found, and when it was last written (epoch ms). */
export interface ListedObject {
  key: string;
  writtenAt: number;
}

/** A URL that lets its holder move one object's bytes directly to or from the store, until `expiresAt`. */
export interface PresignedUrl {
  url: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface BlobStorage {
  /** Writes to a temporary name and renames into place: a reader never sees half a file. */
  put(key: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: { maxBytes?: number }): Promise<StoredObject>;
  get(key: string): Promise<Uint8Array>;
  /** Bytes [start, end] inclusive, as a web stream. */
  stream(key: string, range?: { start: number; end: number }): ReadableStream<Uint8Array>;
  size(key: string): Promise<number | undefined>;
  /** Renames a stored object (the target is replaced at once): a staged file goes into place only with its row. */
  move(from: string, to: string): Promise<void>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<void>;
  /** Every object under a prefix (a folder, "staging/"), with when it was written: the purge finds abandoned staging files by age. */
  list(prefix: string): AsyncIterable<ListedObject>;
  /**
   * Stores that clients can reach themselves (R2 through its S3 API) sign direct transfers, so a
   * large file never passes through the service. Absent on local disk: there the service's own
   * signed URLs carry the bytes. A PUT URL is for exactly `byteLength` bytes.
   */
  presignPut?(key: string, options: { byteLength: number; expiresInSeconds: number }): Promise<PresignedUrl>;
  /** A GET URL; `contentType` and `contentDisposition` are what the store answers with (signed, so they cannot be changed). */
  presignGet?(key: string, options: { expiresInSeconds: number; contentType?: string; contentDisposition?: string }): Promise<PresignedUrl>;
}

export const storageKeys = {
  /** Everything written before it is accepted (uploads on their way in): transient, purged once abandoned. */
  stagingPrefix: 'staging/',
  userPrefix: (userId: string) => `users/${userId}/`,
  upload: (userId: string, uploadId: string) => `users/${userId}/uploads/${uploadId}/original`,
  /** Under the user's prefix, so account deletion removes it with everything else. */
  avatar: (userId: string) => `users/${userId}/avatar`,
  jobPrefix: (userId: string, jobId: string) => `users/${userId}/jobs/${jobId}/`,
  artifact: (userId: string, jobId: string, name: string) => `users/${userId}/jobs/${jobId}/${name}`,
  /**
   * Where one attempt's mesh container writes an artifact itself (presigned PUT, the Cloudflare
   * path): a folder per attempt, so a late write of a dead attempt can never replace a file the
   * next attempt's rows point at; still under the job's prefix, so every clean-up reaches it.
   */
  attemptArtifact: (userId: string, jobId: string, attempt: number, name: string) =>
    `users/${userId}/jobs/${jobId}/attempt-${attempt}/${name}`,
  /**
   * Where an upload is written before it is accepted: outside the user's folder, so nothing lands
   * under users/<id>/ unless its row is written too (the user may be deleted meanwhile). `nonce`
   * keeps two writers of the same upload apart.
   */
  stagedUpload: (uploadId: string, nonce: string) => `staging/uploads/${uploadId}.${nonce}`,
  /** Where a client PUTs a large upload straight to the store (presignPut); /complete moves it into place. */
  directUpload: (uploadId: string) => `staging/uploads/${uploadId}.direct`,
};

const STORAGE_KEY = /^[A-Za-z0-9_.\-/]+$/;

/** Keys are computed from ids, never from user input; anything else is a bug, refused before any IO. */
export function assertStorageKey(key: string): string {
  if (!STORAGE_KEY.test(key) || key.includes('..') || key.startsWith('/')) throw new Error(`storage: bad key ${key}`);
  return key;
}
