/**
 * Short-lived signed URLs: HMAC-SHA256 (WebCrypto, so it runs on Workers too) over the method, the
 * path and the expiry. A signature is scoped to one object and one method, and expires.
 */
export interface UrlSigner {
  sign(method: string, path: string, ttlSeconds: number): Promise<string>;
  verify(method: string, path: string, query: { expires?: string; sig?: string }): Promise<boolean>;
}

/** Epoch seconds as sign() writes them: decimal digits, no sign, no leading zero, no fraction or exponent. */
const CANONICAL_EXPIRES = /^(0|[1-9][0-9]{0,15})$/;

export function createUrlSigner(secret: string, clock: () => number): UrlSigner {
  const keyPromise = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(`signed-url:${secret}`),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  const payload = (method: string, path: string, expires: number) =>
    new TextEncoder().encode(`${method.toUpperCase()}\n${path}\n${expires}`);
  const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return {
    async sign(method, path, ttlSeconds) {
      const expires = Math.floor(clock() / 1000) + ttlSeconds;
      const sig = hex(await crypto.subtle.sign('HMAC', await keyPromise, payload(method, path, expires)));
      return `${path}?expires=${expires}&sig=${sig}`;
    },
    async verify(method, path, query) {
      // Only the spelling sign() writes: "123.0", "+123", "0123" or "1.23e2" are the same number to
      // Number() and would verify against the same signature, so one link would have many URLs.
      if (!query.expires || !CANONICAL_EXPIRES.test(query.expires)) return false;
      const expires = Number(query.expires);
      if (!query.sig || !/^[0-9a-f]{64}$/.test(query.sig) || !Number.isSafeInteger(expires)) return false;
      if (expires < Math.floor(clock() / 1000)) return false;
      const bytes = new Uint8Array(query.sig.match(/../g)!.map((h) => parseInt(h, 16)));
      // crypto.subtle.verify compares in constant time.
      return crypto.subtle.verify('HMAC', await keyPromise, bytes, payload(method, path, expires));
    },
  };
}
