/**
 * Downloads a provider's result (a GLB at a signed CDN URL the provider gave us) under rules that
 * keep a hostile or confused answer from turning our server into a proxy:
 *   - https only; http only for hosts in an explicit test list (config AI_TEST_INSECURE_HOSTS);
 *   - the host must be on the provider's allow-list (its API and CDN hosts; "*.domain" = any
 *     subdomain), overridable for tests;
 *   - every address the host resolves to must be public (no loopback, private, link-local,
 *     CGNAT, multicast or unspecified v4/v6, IPv4-mapped v6 included), except test hosts;
 *   - redirects are followed by hand (at most 3), each target checked by the same rules, so a
 *     redirect can lead neither to another host outside the list nor to a private address;
 *   - a byte limit (Content-Length checked first, then counted while streaming) and a timeout;
 *   - no credentials are sent: provider result URLs are pre-signed.
 * Errors name the rule that failed, never the URL (it carries the provider's signature).
 * DNS rebinding: without an injected fetch the download goes through pinned-fetch.ts, whose
 * connection resolves the host through the same public-only rule, so the address checked is the
 * address connected to. An injected fetch (tests) is used as given.
 */
import { GuardedFetchError } from './guarded-fetch-error.ts';

export interface GuardedFetchOptions {
  /** Host allow-list; 'any-public' = any host whose addresses are all public (a user's image URL). */
  allowedHosts: readonly string[] | 'any-public';
  /** Plain http too (a user's image URL; still public addresses only). Default https only. */
  allowHttp?: boolean;
  /** Whose address it is, in messages: "the provider's result" by default. */
  subject?: string;
  /** Hosts allowed over http and at private addresses (tests only). */
  insecureHosts?: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Host name -> its addresses. Default: node:dns lookup (all addresses). */
  resolve?: (host: string) => Promise<string[]>;
}

/** `host` matches `entry` exactly, or a subdomain of it when the entry is "*.domain". */
export function hostAllowed(host: string, entries: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return entries.some((raw) => {
    const entry = raw.toLowerCase();
    if (entry.startsWith('*.')) return h.endsWith(entry.slice(1)) && h.length > entry.length - 1;
    return h === entry;
  });
}

function ipv4Parts(ip: string): number[] | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const nums = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return nums.every((n) => n >= 0 && n <= 255) ? nums : undefined;
}

function privateV4([a, b]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** Not a public unicast address (v4 or v6). Unparseable input counts as private. */
export function isPrivateAddress(ip: string): boolean {
  const v4 = ipv4Parts(ip);
  if (v4) return privateV4(v4);
  let v6 = ip.toLowerCase().replace(/^\[|\]$/g, '');
  const zone = v6.indexOf('%');
  if (zone >= 0) v6 = v6.slice(0, zone);
  if (!v6.includes(':')) return true;
  const mapped = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6) ?? /^::(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (mapped) {
    const parts = ipv4Parts(mapped[1]);
    return parts ? privateV4(parts) : true;
  }
  const groups = expandV6(v6);
  if (!groups) return true;
  if (groups.every((g) => g === 0)) return true; // ::
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return true; // ::1
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return true; // ::ffff:hex form
  const first = groups[0];
  if ((first & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return true; // fe80::/10 link local
  if ((first & 0xffc0) === 0xfec0) return true; // fec0::/10 site local (deprecated)
  if ((first & 0xff00) === 0xff00) return true; // multicast
  if (first === 0x2001 && groups[1] === 0x0db8) return true; // documentation
  if (first === 0x0064 && groups[1] === 0xff9b) return true; // NAT64 can reach v4 private space
  return false;
}

function expandV6(ip: string): number[] | undefined {
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s ? s.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)) : []);
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...new Array<number>(Math.max(0, fill)).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isFinite(g)) ? groups : undefined;
}

async function defaultResolve(host: string): Promise<string[]> {
  const dns = await import('node:dns/promises');
  const answers = await dns.lookup(host, { all: true, verbatim: true });
  return answers.map((a) => a.address);
}

async function checkUrl(raw: string, options: GuardedFetchOptions, kind: 'result' | 'redirect'): Promise<URL> {
  const what = kind === 'result' ? (options.subject ?? "the provider's result") : `${options.subject ?? "the provider's"} redirect`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GuardedFetchError('url_rejected', `${what} address is not a valid URL`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const insecure = hostAllowed(host, options.insecureHosts ?? []);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (insecure || options.allowHttp))) {
    throw new GuardedFetchError('url_rejected', `${what} address is not ${options.allowHttp ? 'http or https' : 'https'}`);
  }
  if (url.username || url.password) throw new GuardedFetchError('url_rejected', `${what} address carries credentials`);
  if (options.allowedHosts !== 'any-public' && !hostAllowed(host, options.allowedHosts)) {
    throw new GuardedFetchError(kind === 'redirect' ? 'redirect_rejected' : 'host_not_allowed', `${what} host is not on its allow-list`);
  }
  if (!insecure) {
    const literal = ipv4Parts(host) || host.includes(':');
    let addresses: string[];
    try {
      addresses = literal ? [host] : await (options.resolve ?? defaultResolve)(host);
    } catch {
      throw new GuardedFetchError('network', `${what} host could not be resolved`);
    }
    if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
      throw new GuardedFetchError('private_address', `${what} host resolves to a private or loopback address`);
    }
  }
  return url;
}

/** The body of `url`, or a GuardedFetchError. */
export async function guardedFetch(rawUrl: string, options: GuardedFetchOptions): Promise<Uint8Array> {
  const doFetch: (url: URL, init: { redirect: 'manual'; signal: AbortSignal; headers: Record<string, string> }) => Promise<Response> =
    options.fetch ??
    (async (url, init) => {
      const { pinnedFetch } = await import('./pinned-fetch.ts');
      const insecure = hostAllowed(url.hostname.replace(/^\[|\]$/g, ''), options.insecureHosts ?? []);
      return pinnedFetch(url, {
        signal: init.signal,
        headers: init.headers,
        resolve: options.resolve ?? defaultResolve,
        isPrivate: isPrivateAddress,
        insecure,
      });
    });
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const maxRedirects = options.maxRedirects ?? 3;
  let url = await checkUrl(rawUrl, options, 'result');
  try {
    for (let hop = 0; ; hop++) {
      const res = await doFetch(url, { redirect: 'manual', signal, headers: { accept: '*/*' } });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => undefined);
        const location = res.headers.get('location');
        if (!location || hop >= maxRedirects)
          throw new GuardedFetchError('redirect_rejected', 'the provider redirected the download too often or without a target');
        url = await checkUrl(new URL(location, url).href, options, 'redirect');
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new GuardedFetchError('http_error', `the provider's result download answered ${res.status}`);
      }
      return await readLimited(res, options.maxBytes);
    }
  } catch (error) {
    if (error instanceof GuardedFetchError) throw error;
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted)
      throw new GuardedFetchError('timeout', `the result download took longer than ${Math.round(options.timeoutMs / 1000)} s`);
    throw new GuardedFetchError('network', 'the result download failed');
  }
}

async function readLimited(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new GuardedFetchError('too_large', `the result is larger than the ${maxBytes}-byte limit`);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new GuardedFetchError('too_large', `the result is larger than the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
