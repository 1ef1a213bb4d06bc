/**
 * How many bytes each route may be sent: the one table of request-body limits (the README lists
 * it). Every request goes through limitBody (src/http/limit-body.ts) with the rule found here, so
 * a route that forgets to think about its body still cannot be sent 200 MB.
 *
 * Small bodies (JSON, auth forms, webhooks) are read whole by the middleware, counted as they
 * arrive, before anything parses them. File bodies (uploads) are streamed: the middleware counts
 * and cuts them off, and their own readers (multipart, storage) enforce the configured upload size.
 */
import { ServiceError } from '../domain/errors.ts';
import { fileTooLarge } from '../services/upload-limits.ts';

export const BODY_LIMITS = {
  /** better-auth's forms (sign-up, sign-in, sign-out): an email, a name, a password of at most 128. */
  authBytes: 16 * 1024,
  /** Creem's webhook events: a checkout or subscription object with its metadata, a few KB in practice. */
  webhookBytes: 256 * 1024,
  /** Every other route: JSON the API takes (job params, a prompt of 2000 characters, names), or none. */
  jsonBytes: 64 * 1024,
  /** Multipart framing around an uploaded file: boundaries, part headers, a filename. */
  multipartOverheadBytes: 64 * 1024,
} as const;

export interface BodyLimit {
  maxBytes: number;
  /** Streamed to its reader instead of read whole here (file uploads). */
  streamed: boolean;
  /** The 413 a refused body gets: uploads keep `file_too_large`, what their own readers say. */
  tooLarge: () => ServiceError;
}

/** Creem's webhook: the one body a third party writes (signed; its JSON is judged by its own schema). */
export const CREEM_WEBHOOK_PATH = '/api/v1/webhooks/creem';

/** services/profile.ts AVATAR_LIMITS.maxBytes (http may not import the service's values, only its types). */
const AVATAR_BODY_BYTES = 256 * 1024;
const UPLOAD_CONTENT = /^\/api\/v1\/uploads\/[^/]+\/content$/;

/** The limit for one request, from its method and path; `maxUploadBytes` is the configured MAX_UPLOAD_BYTES. */
export function bodyLimitFor(method: string, path: string, maxUploadBytes: number): BodyLimit {
  const upload = (maxBytes: number): BodyLimit => ({ maxBytes, streamed: true, tooLarge: () => fileTooLarge(maxUploadBytes) });
  if (method === 'POST' && path === '/api/v1/uploads') return upload(maxUploadBytes + BODY_LIMITS.multipartOverheadBytes);
  if (method === 'PUT' && UPLOAD_CONTENT.test(path)) return upload(maxUploadBytes);
  // An avatar is small (its own limit, services/profile.ts): the file and its multipart framing.
  if (method === 'PUT' && path === '/api/v1/account/avatar')
    return {
      maxBytes: AVATAR_BODY_BYTES + BODY_LIMITS.multipartOverheadBytes,
      streamed: true,
      tooLarge: () => fileTooLarge(AVATAR_BODY_BYTES),
    };
  if (path === CREEM_WEBHOOK_PATH) return small(BODY_LIMITS.webhookBytes);
  if (path.startsWith('/api/auth/')) return small(BODY_LIMITS.authBytes);
  return small(BODY_LIMITS.jsonBytes);
}

function small(maxBytes: number): BodyLimit {
  return {
    maxBytes,
    streamed: false,
    tooLarge: () =>
      new ServiceError('payload_too_large', `the request body is larger than the ${maxBytes}-byte limit of this route`, {
        limitBytes: maxBytes,
      }),
  };
}
