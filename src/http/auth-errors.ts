/**
 * better-auth answers its errors as `{ code: "INVALID_ORIGIN", message: "Invalid origin" }`; every
 * other route answers `{ error: { code, message, details? } }` with a code from our closed list.
 * This rewrites the first into the second, so an API client reads one shape everywhere: the code
 * becomes one of ours (src/domain/errors.ts) with its status from src/http/error-status.ts, and
 * better-auth's own code stays readable as `details.authCode`. An origin refusal also says which
 * origin was refused and what the operator can set to allow it.
 */
import type { ErrorCode } from '../domain/errors.ts';
import { httpStatusOf } from './error-status.ts';
import { errorBody } from './errors.ts';
import { requestOriginOf } from './request-origin.ts';
import type { OriginSettings } from './request-origin.ts';

/** better-auth's codes that mean "this page is not one of ours". */
const ORIGIN_CODES = new Set([
  'INVALID_ORIGIN',
  'MISSING_OR_NULL_ORIGIN',
  'CROSS_SITE_NAVIGATION_LOGIN_BLOCKED',
  'INVALID_CALLBACK_URL',
  'INVALID_REDIRECT_URL',
  'INVALID_ERROR_CALLBACK_URL',
  'INVALID_NEW_USER_CALLBACK_URL',
]);

const BY_AUTH_CODE: Readonly<Record<string, ErrorCode>> = {
  INVALID_EMAIL_OR_PASSWORD: 'invalid_credentials',
  INVALID_PASSWORD: 'invalid_credentials',
  CREDENTIAL_ACCOUNT_NOT_FOUND: 'invalid_credentials',
  USER_ALREADY_EXISTS: 'email_taken',
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: 'email_taken',
  INVALID_EMAIL: 'invalid_request',
  PASSWORD_TOO_SHORT: 'invalid_request',
  PASSWORD_TOO_LONG: 'invalid_request',
  VALIDATION_ERROR: 'invalid_request',
  MISSING_FIELD: 'invalid_request',
  FIELD_NOT_ALLOWED: 'invalid_request',
  BODY_MUST_BE_AN_OBJECT: 'invalid_request',
  SESSION_EXPIRED: 'unauthorized',
  SESSION_NOT_FRESH: 'unauthorized',
  USER_NOT_FOUND: 'not_found',
  ACCOUNT_NOT_FOUND: 'not_found',
};

/** When better-auth gives no code we know, the status decides. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 422) return 'unprocessable';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'internal';
  return 'invalid_request';
}

/** A better-auth response; an error in its own shape comes back in ours, anything else unchanged. */
export async function inOurErrorShape(res: Response, request: Request, settings: OriginSettings): Promise<Response> {
  if (res.status < 400 || !(res.headers.get('content-type') ?? '').includes('json')) return res;
  let body: { code?: unknown; message?: unknown; error?: unknown } | null;
  try {
    body = (await res.clone().json()) as { code?: unknown; message?: unknown; error?: unknown } | null;
  } catch {
    return res; // Not JSON after all: we only rewrite what we can read.
  }
  if (!body || typeof body !== 'object' || 'error' in body) return res;
  const authCode = typeof body.code === 'string' ? body.code : undefined;
  const authMessage = typeof body.message === 'string' && body.message ? body.message : undefined;
  let code: ErrorCode;
  let message: string;
  const details: Record<string, unknown> = {};
  if (authCode) details.authCode = authCode;
  if (authCode && ORIGIN_CODES.has(authCode)) {
    const origin = request.headers.get('origin') ?? request.headers.get('referer') ?? null;
    code = 'cross_origin_request';
    message = originHint(origin, request, settings);
    details.origin = origin;
  } else {
    code = (authCode && BY_AUTH_CODE[authCode]) || codeForStatus(res.status);
    message = authMessage ?? res.statusText ?? 'the request was refused';
  }
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.set('content-type', 'application/json; charset=utf-8');
  const retryAfter = res.headers.get('x-retry-after');
  if (code === 'rate_limited' && retryAfter && !headers.has('retry-after')) headers.set('retry-after', retryAfter);
  return new Response(JSON.stringify(errorBody(code, message, Object.keys(details).length ? details : undefined)), {
    status: httpStatusOf(code),
    headers,
  });
}

function originHint(origin: string | null, request: Request, settings: OriginSettings): string {
  const from = origin && origin !== 'null' ? origin : 'a page without an origin';
  if (settings.baseUrlPinned) {
    return (
      `sign-in and sign-up are only taken from ${settings.baseUrl.replace(/\/$/, '')} (BASE_URL); this request came from ${from}. ` +
      `Open the app at BASE_URL, or, if ${from} is this server too, set BASE_URL to it or add it to TRUSTED_ORIGINS (comma-separated) and restart.`
    );
  }
  const sentTo = requestOriginOf(request, settings.trustProxy) ?? 'this server';
  return (
    `this request came from ${from}, not from ${sentTo} where it was sent; sign-in and sign-up are only taken from this server's own pages. ` +
    'If that page is yours, add its origin to TRUSTED_ORIGINS (comma-separated) and restart; behind a proxy, set TRUST_PROXY=1.'
  );
}
