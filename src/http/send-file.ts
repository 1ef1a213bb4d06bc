/**
 * Answers GET/HEAD for a stored file with the HTTP caching and partial-content rules: a strong
 * ETag and If-None-Match (304), Range/If-Range (206, 416), and HEAD without opening the file.
 * Bytes come from `open` as a stream, so a range of a 20 MB STL reads only that range.
 */
import type { ByteRange } from './range.ts';
import { contentRange, parseRange, unsatisfiedRange } from './range.ts';

export interface StoredFile {
  size: number;
  /** SHA-256 hex of the content: the strong validator. */
  sha256: string;
  contentType: string;
  /** A ready Content-Disposition value. */
  disposition: string;
  cacheControl: string;
  /** Bytes [start, end] inclusive, or the whole file. */
  open(range?: ByteRange): ReadableStream<Uint8Array>;
}

/**
 * As sendStoredFile, except that a GET which would send the bytes is answered 302 to `direct()`
 * when it gives a URL (a presigned store GET: the store then serves bytes and ranges). HEAD and a
 * matching If-None-Match are answered here: a presigned GET is signed for GET only, and a 304 is
 * cheaper than a redirect. The redirect is no-store: its target is a credential that soon expires.
 */
export async function sendStoredFileOrRedirect(
  request: Request,
  file: StoredFile,
  direct: () => Promise<string | undefined>,
): Promise<Response> {
  if (request.method !== 'GET' || matchesAny(request.headers.get('if-none-match'), `"${file.sha256}"`))
    return sendStoredFile(request, file);
  const location = await direct();
  if (!location) return sendStoredFile(request, file);
  return new Response(null, { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' } });
}

export function sendStoredFile(request: Request, file: StoredFile): Response {
  const etag = `"${file.sha256}"`;
  const headers = new Headers({
    ETag: etag,
    'Cache-Control': file.cacheControl,
    'Accept-Ranges': 'bytes',
    // Our own origin serves these files: never let a browser guess a different type.
    'X-Content-Type-Options': 'nosniff',
  });

  if (matchesAny(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });

  headers.set('Content-Type', file.contentType);
  headers.set('Content-Disposition', file.disposition);
  const rangeHeader = ifRangeHolds(request.headers.get('if-range'), etag) ? (request.headers.get('range') ?? undefined) : undefined;
  const wanted = parseRange(rangeHeader, file.size);
  const body = (range?: ByteRange) => (request.method === 'HEAD' ? null : file.open(range));

  if (wanted.kind === 'unsatisfiable') {
    headers.set('Content-Range', unsatisfiedRange(file.size));
    headers.delete('Content-Disposition');
    headers.set('Content-Length', '0');
    return new Response(null, { status: 416, headers });
  }
  if (wanted.kind === 'partial') {
    headers.set('Content-Range', contentRange(wanted.range, file.size));
    headers.set('Content-Length', String(wanted.range.end - wanted.range.start + 1));
    return new Response(body(wanted.range), { status: 206, headers });
  }
  headers.set('Content-Length', String(file.size));
  return new Response(body(), { status: 200, headers });
}

/** If-None-Match uses the weak comparison: W/"x" matches "x"; `*` matches any current file. */
function matchesAny(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** If-Range needs a strong match; a date (we send no Last-Modified) or another tag means "send it all". */
function ifRangeHolds(header: string | null, etag: string): boolean {
  return header === null || header.trim() === etag;
}
