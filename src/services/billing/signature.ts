/**
 * Creem signs webhooks with `creem-signature` = hex(HMAC-SHA256(webhook secret, raw body)).
 * Verified with WebCrypto's verify, which compares in constant time, on the raw text.
 */
export async function verifyCreemSignature(rawBody: string, header: string | undefined, secret: string): Promise<boolean> {
  if (!header) return false;
  const hex = header.trim().replace(/^sha256=/, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signature = new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  return crypto.subtle.verify('HMAC', key, signature, new TextEncoder().encode(rawBody));
}

/** The same signature, as Creem computes it (used by tests and the fake server). */
export async function signCreemBody(rawBody: string, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(rawBody));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
