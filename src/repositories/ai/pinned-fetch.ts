/**
 * The guarded download's own HTTP client: one GET with no redirect following, whose connection
 * resolves the host through a lookup that refuses private and loopback addresses. The guarded
 * fetch checks a host's addresses before it connects; global fetch would then resolve the name
 * again, and a host whose DNS answer changed in between (DNS rebinding) could reach an internal
 * address. Here the addresses checked are the addresses connected to: the check is the lookup.
 * Node only (node:http/https); loaded lazily by guarded-fetch.ts when no fetch is injected.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { GuardedFetchError } from './guarded-fetch-error.ts';

export interface PinnedFetchOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Host name -> its addresses (the same resolver the pre-check used). */
  resolve: (host: string) => Promise<string[]>;
  isPrivate: (address: string) => boolean;
  /** Hosts exempt from the address rule (tests on loopback). */
  insecure: boolean;
}

/** A net lookup that answers only with public addresses, or fails with private_address. */
export function publicOnlyLookup(resolve: PinnedFetchOptions['resolve'], isPrivate: PinnedFetchOptions['isPrivate']): LookupFunction {
  return (hostname, options, callback) => {
    const answer = callback as (error: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0 || addresses.some(isPrivate)) {
          answer(new GuardedFetchError('private_address', "the provider's result host resolves to a private or loopback address"), '', 0);
          return;
        }
        const family = (address: string) => isIP(address) || 4;
        if (options.all)
          answer(
            null,
            addresses.map((address) => ({ address, family: family(address) })),
          );
        else answer(null, addresses[0], family(addresses[0]));
      },
      () => answer(new GuardedFetchError('network', "the provider's result host could not be resolved"), '', 0),
    );
  };
}

/** GET `url` without following redirects; the body streams as the Response's body. */
export function pinnedFetch(url: URL, options: PinnedFetchOptions): Promise<Response> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const lookup = options.insecure ? undefined : publicOnlyLookup(options.resolve, options.isPrivate);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: options.headers, signal: options.signal, lookup, agent: false }, (res) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 599) {
        res.destroy();
        reject(new GuardedFetchError('network', `the result download answered an invalid status ${status}`));
        return;
      }
      const empty = status === 204 || status === 304;
      if (empty) res.resume();
      resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
