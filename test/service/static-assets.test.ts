/**
 * The built web app and widget files as the Node server serves them (no browser): caching and
 * validators, ranges, gzip, CORS for the widget only, the single-page fallback, path escapes,
 * and a rebuild picked up without a restart.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAppRoutes } from '../../src/node/web-static.ts';
import { widgetAssetsRoutes } from '../../src/node/widget-assets.ts';

let dir: string;
let web: ReturnType<typeof webAppRoutes>;
let widget: ReturnType<typeof widgetAssetsRoutes>;
const LOADER = `export const loader = "${'x'.repeat(4000)}";\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'its-static-'));
  await mkdir(join(dir, 'web', 'assets'), { recursive: true });
  await writeFile(join(dir, 'web', 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(dir, 'web', 'assets', 'app-abc123.js'), 'console.log("app");');
  await mkdir(join(dir, 'widget', 'widget-chunks'), { recursive: true });
  await writeFile(join(dir, 'widget', 'widget.js'), LOADER);
  await writeFile(join(dir, 'widget', 'widget-chunks', 'three-1a2b.js'), 'export const three = 3;');
  web = webAppRoutes(join(dir, 'web'));
  widget = widgetAssetsRoutes(join(dir, 'widget'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('web app files', () => {
  it('serves hashed assets immutable with a strong ETag, 304 on a match and ranges', async () => {
    const res = await web.request('/assets/app-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect((await web.request('/assets/app-abc123.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const part = await web.request('/assets/app-abc123.js', { headers: { range: 'bytes=0-6' } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe('console');
  });

  it('answers app routes with index.html, never the server own paths or escapes', async () => {
    const page = await web.request('/history');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>app</title>');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    for (const path of ['/api/v1/jobs', '/healthz', '/s/token', '/embed/token', '/widget.js', '/assets/missing.js']) {
      expect((await web.request(path)).status, path).toBe(404);
    }
    // Dot segments, plain or encoded, never reach a file outside the build folder.
    for (const path of ['/assets/../../../etc/passwd', '/assets/%2e%2e/%2e%2e/%2e%2e/etc/hostname', '/..%2f..%2f..%2fetc%2fhostname']) {
      const res = await web.request(path);
      const text = res.status === 200 ? await res.text() : '';
      expect(text === '' || text.includes('<title>app</title>'), path).toBe(true);
    }
  });

  it('serves the text preview worker files with the types browsers need (WebAssembly, the font)', async () => {
    await writeFile(join(dir, 'web', 'assets', 'manifold-abc123.wasm'), new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    await writeFile(join(dir, 'web', 'assets', 'NotoSans-Bold-abc123.ttf'), new Uint8Array([0, 1, 0, 0]));
    // instantiateStreaming refuses any other type and Emscripten then logs an error before falling back.
    expect((await web.request('/assets/manifold-abc123.wasm')).headers.get('content-type')).toBe('application/wasm');
    expect((await web.request('/assets/NotoSans-Bold-abc123.ttf')).headers.get('content-type')).toBe('font/ttf');
  });

  it('serves a rebuilt file without a restart', async () => {
    const file = join(dir, 'web', 'assets', 'app-abc123.js');
    const before = await (await web.request('/assets/app-abc123.js')).text();
    await writeFile(file, 'console.log("rebuilt, longer");');
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const after = await (await web.request('/assets/app-abc123.js')).text();
    expect(before).not.toBe(after);
    expect(after).toContain('rebuilt');
  });
});

describe('widget files', () => {
  it('gzips for browsers that accept it, with its own ETag, Vary and CORS for any origin', async () => {
    const plain = await widget.request('/widget.js');
    const zipped = await widget.request('/widget.js', { headers: { 'accept-encoding': 'gzip, br' } });
    for (const res of [plain, zipped]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('vary')).toBe('Accept-Encoding');
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    }
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(LOADER);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const body = new Uint8Array(await zipped.arrayBuffer());
    expect(body.byteLength).toBeLessThan(LOADER.length / 4);
    expect(gunzipSync(body).toString()).toBe(LOADER);
    expect(zipped.headers.get('etag')).not.toBe(plain.headers.get('etag'));
  });

  it('serves hashed chunks immutable and refuses other names', async () => {
    const chunk = await widget.request('/widget-chunks/three-1a2b.js');
    expect(chunk.status).toBe(200);
    expect(chunk.headers.get('cache-control')).toContain('immutable');
    expect((await widget.request('/widget-chunks/..%2Fwidget.js')).status).toBe(404);
    expect((await widget.request('/widget-chunks/missing.js')).status).toBe(404);
  });
});
