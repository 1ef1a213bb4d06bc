/**
 * Presigned S3 URLs (AWS Signature Version 4 in the query string, signed by aws4fetch) for direct
 * uploads and downloads: the client moves the bytes to or from the bucket itself, the Worker only
 * signs. R2 speaks this through its S3 endpoint (`https://<account>.r2.cloudflarestorage.com`,
 * region `auto`) with an R2 API token's access key; any S3 store works the same way.
 *
 * Path-style URLs (`<endpoint>/<bucket>/<key>`), which R2 and S3-compatible stores all accept.
 * A PUT signs its Content-Length, so the store refuses a body of any other size (the upload limit
 * holds without the bytes passing through us); S3 caps a presigned URL at 7 days. A GET may carry
 * S3's response-content-type and response-content-disposition overrides (R2 honours them too), signed
 * with the rest of the query: a download keeps its type and its friendly file name.
 */
import { AwsV4Signer } from 'aws4fetch';
import type { PresignedUrl } from '../../domain/storage.ts';
import { assertStorageKey } from '../../domain/storage.ts';

export interface S3PresignConfig {
  /** e.g. https://<account>.r2.cloudflarestorage.com */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `auto` for R2. */
  region: string;
}

export interface S3Presigner {
  presignPut(key: string, options: { byteLength: number; expiresInSeconds: number }): Promise<PresignedUrl>;
  presignGet(key: string, options: { expiresInSeconds: number; contentType?: string; contentDisposition?: string }): Promise<PresignedUrl>;
  /**
   * A PUT of one key whose size is not known when signing (a mesh container's artifact): the
   * signature binds the method, the key and the expiry only, so the writer must be checked after
   * the fact (the job's object compares the stored size with the container's manifest).
   */
  presignPutAnySize(key: string, options: { expiresInSeconds: number }): Promise<PresignedUrl>;
}

/** SigV4 refuses anything longer. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export function createS3Presigner(config: S3PresignConfig, clock: () => number): S3Presigner {
  const base = config.endpoint.replace(/\/+$/, '');
  async function presign(
    method: 'PUT' | 'GET',
    key: string,
    expiresInSeconds: number,
    headers: Record<string, string>,
    query: Record<string, string | undefined> = {},
  ): Promise<PresignedUrl> {
    assertStorageKey(key);
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
      throw new Error(`s3-presigner: expiry must be 1..${MAX_PRESIGN_SECONDS} s, not ${expiresInSeconds}`);
    }
    const now = clock();
    const url = new URL(`${base}/${encodeURIComponent(config.bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`);
    url.searchParams.set('X-Amz-Expires', String(expiresInSeconds));
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    const signer = new AwsV4Signer({
      method,
      url: url.toString(),
      headers,
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      service: 's3',
      region: config.region,
      signQuery: true,
      // Sign every header given (aws4fetch leaves Content-Length out otherwise): the size is the point.
      allHeaders: true,
      datetime: new Date(now).toISOString().replace(/[:-]|\.\d{3}/g, ''),
    });
    const signed = await signer.sign();
    return { url: signed.url.toString(), expiresAt: Math.floor(now / 1000) * 1000 + expiresInSeconds * 1000 };
  }
  return {
    presignPut: (key, { byteLength, expiresInSeconds }) => presign('PUT', key, expiresInSeconds, { 'content-length': String(byteLength) }),
    presignGet: (key, { expiresInSeconds, contentType, contentDisposition }) =>
      presign(
        'GET',
        key,
        expiresInSeconds,
        {},
        { 'response-content-type': contentType, 'response-content-disposition': contentDisposition },
      ),
    presignPutAnySize: (key, { expiresInSeconds }) => presign('PUT', key, expiresInSeconds, {}),
  };
}
