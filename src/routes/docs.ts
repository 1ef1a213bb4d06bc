/**
 * /api/docs: a self-contained page rendered from the OpenAPI document (no CDN: the service must
 * work offline), listing every operation with its parameters and responses.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { DOCS_SCRIPT, DOCS_STYLE } from './docs-assets.ts';

export function docsRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/api/docs', (c) => c.html(DOCS_PAGE));
  app.get('/api/docs.js', (c) => c.body(DOCS_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/api/docs.css', (c) => c.body(DOCS_STYLE, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  return app;
}

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>image-to-stl API</title><link rel="stylesheet" href="/api/docs.css">
<script src="/api/docs.js" defer></script></head><body>
<h1>image-to-stl API</h1><p>OpenAPI document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
Authenticate with the session cookie from <code>/api/auth/sign-in/email</code> or an API key in <code>x-api-key</code>.</p>
<main id="ops">Loading…</main>
</body></html>`;
