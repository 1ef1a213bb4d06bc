/**
 * Secure defaults on every response: no MIME sniffing, no framing (the /embed pages set their own
 * policy), a strict content security policy for pages (scripts only from us; WebAssembly allowed
 * for the mesh decoders; no inline script or style), HSTS when served over https.
 */
import type { MiddlewareHandler } from 'hono';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const h = c.res.headers;
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Permissions-Policy', 'geolocation=(), microphone=(), payment=()');
    if (!h.has('Content-Security-Policy')) {
      h.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      h.set('X-Frame-Options', 'DENY');
    }
    if (options.https) h.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}
