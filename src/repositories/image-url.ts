/**
 * A user's image URL, fetched under the guarded fetch's rules (ai/guarded-fetch.ts): http or
 * https, public addresses only (checked on every redirect, and again at connect time by the
 * pinned lookup against DNS rebinding), at most 3 redirects, the upload byte limit counted while
 * streaming, a timeout. Its refusals become our error codes: private or malformed targets
 * `image_url_rejected`, a failing server `image_url_unreachable`, too many bytes `file_too_large`
 * (as an upload that size would get).
 */
import { ServiceError } from '../domain/errors.ts';
import { guardedFetch } from './ai/guarded-fetch.ts';
import { GuardedFetchError } from './ai/guarded-fetch-error.ts';

export interface ImageUrlFetcherOptions {
  timeoutMs: number;
  /** Hosts allowed over http at loopback addresses (tests only). */
  testHosts?: readonly string[];
  fetch?: typeof fetch;
}

/** The bytes at `url`, at most `maxBytes`. */
export type FetchImageUrl = (url: string, maxBytes: number) => Promise<Uint8Array>;

const REASONS: Record<string, string> = {
  url_rejected: 'the address must be a plain http or https URL without a user name or password',
  host_not_allowed: 'the address is not allowed',
  private_address: 'the address leads to a private or local network; only public addresses can be fetched',
  redirect_rejected: 'the address redirects too often, without a target, or to a private address',
  http_error: 'the server answered with an error',
  timeout: 'the server took too long to answer',
  network: 'the server could not be reached',
};

export function imageUrlFetcher(options: ImageUrlFetcherOptions): FetchImageUrl {
  return async (url, maxBytes) => {
    try {
      return await guardedFetch(url, {
        allowedHosts: 'any-public',
        allowHttp: true,
        subject: 'the image',
        insecureHosts: options.testHosts,
        maxBytes,
        timeoutMs: options.timeoutMs,
        fetch: options.fetch,
      });
    } catch (error) {
      if (!(error instanceof GuardedFetchError)) throw error;
      const reason = REASONS[error.code] ?? error.message;
      if (error.code === 'too_large')
        throw ServiceError.of('file_too_large', `the image at that address is larger than the ${maxBytes}-byte upload limit`, {
          maxBytes,
        });
      const rejected = ['url_rejected', 'host_not_allowed', 'private_address', 'redirect_rejected'].includes(error.code);
      throw ServiceError.of(rejected ? 'image_url_rejected' : 'image_url_unreachable', `The image could not be fetched: ${reason}.`, {
        reason: error.code,
      });
    }
  };
}
