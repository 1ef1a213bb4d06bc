/**
 * The origin a request was sent to, and the origin our public links are built on.
 *
 * A self-hosted server is reached at many addresses: localhost, 127.0.0.1, a LAN IP, a Raspberry
 * Pi's hostname. Unless the operator pins BASE_URL, each of them is "us": the page's Origin must be
 * the scheme and Host the request itself was sent to (a page on another origin still differs from
 * that Host and is refused), and links we hand out use the address the caller used, so they work
 * from the caller's network. Behind a proxy (TRUST_PROXY) X-Forwarded-Proto/-Host say where the
 * browser was.
 */
export interface OriginSettings {
  baseUrl: string;
  baseUrlPinned: boolean;
  trustProxy: boolean;
}

/** scheme://host[:port] the request was addressed to, or undefined when that cannot be told. */
export function requestOriginOf(request: Request, trustProxy: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return undefined;
  }
  const forwardedProto = trustProxy ? firstValue(request.headers.get('x-forwarded-proto')) : undefined;
  const forwardedHost = trustProxy ? firstValue(request.headers.get('x-forwarded-host')) : undefined;
  const scheme = forwardedProto === 'https' || forwardedProto === 'http' ? `${forwardedProto}:` : url.protocol;
  const host = forwardedHost ?? request.headers.get('host') ?? url.host;
  try {
    return new URL(`${scheme}//${host}`).origin;
  } catch {
    return undefined;
  }
}

/** Where links we hand out point: BASE_URL when pinned, else the address this request came to. */
export function publicOriginFor(request: Request, settings: OriginSettings): string {
  const pinned = settings.baseUrl.replace(/\/$/, '');
  if (settings.baseUrlPinned) return pinned;
  return requestOriginOf(request, settings.trustProxy) ?? pinned;
}

function firstValue(header: string | null): string | undefined {
  const value = header?.split(',')[0]?.trim().toLowerCase();
  return value || undefined;
}
