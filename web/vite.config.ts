/**
 * The web app's build: vanilla TypeScript + three.js, source in web/app, output in web/dist
 * (served by src/server.ts at /). three.js and the viewers load lazily, so the sign-in page
 * stays small. No inline scripts, styles or data: URIs, for a `script-src 'self'` CSP.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./app'),
  base: '/',
  publicDir: false,
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 800,
    reportCompressedSize: false,
  },
  // The text preview's worker loads manifold-3d, whose loader has a (Node-only) dynamic import: ES module workers split chunks, IIFE ones cannot.
  worker: { format: 'es' },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
