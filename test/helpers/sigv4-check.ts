/**
 * S3's check of a query-signed (presigned) request, recomputed independently of aws4fetch with
 * node:crypto after AWS's SigV4 documentation ("Create a canonical request", "Authenticating
 * requests: using query parameters"): canonical request, string to sign, derived key, expiry.
 * Used by the loopback S3 (fake-s3.ts) and, with nodejs_compat, inside workerd.
 */
import { createHash, createHmac } from 'node:crypto';

/** RFC 3986 unreserved characters stay, everything else is %XX (uppercase): SigV4's UriEncode. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

/** Why the request is refused, or undefined when its query signature is good and current. */
export function checkQuerySignature(
  method: string,
  url: URL,
  header: (name: string) => string,
  options: { accessKeyId: string; secretAccessKey: string; region: string; now: number },
): { status: number; code: string } | undefined {
  const q = url.searchParams;
  const [algorithm, credential, date, expires, signedHeaders, signature] = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ].map((name) => q.get(name));
  if (algorithm !== 'AWS4-HMAC-SHA256' || !credential || !date || !expires || !signedHeaders || !signature) {
    return { status: 403, code: 'AccessDenied' };
  }
  const [accessKeyId, day, region, service, terminator] = credential.split('/');
  if (accessKeyId !== options.accessKeyId) return { status: 403, code: 'InvalidAccessKeyId' };
  if (region !== options.region || service !== 's3' || terminator !== 'aws4_request' || day !== date.slice(0, 8)) {
    return { status: 403, code: 'SignatureDoesNotMatch' };
  }
  const seconds = Number(expires);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 604_800) return { status: 400, code: 'AuthorizationQueryParametersError' };
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  if (!m) return { status: 403, code: 'AccessDenied' };
  const signedAt = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (options.now > signedAt + seconds * 1000) return { status: 403, code: 'AccessDenied' };

  const canonicalUri = url.pathname
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join('/');
  const canonicalQuery = [...q]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((name) => `${name}:${header(name).trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${options.secretAccessKey}`, day!), region!), 's3'), 'aws4_request');
  const expected = hmac(key, stringToSign).toString('hex');
  return expected === signature ? undefined : { status: 403, code: 'SignatureDoesNotMatch' };
}
