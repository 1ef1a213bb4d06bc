/**
 * The embeddable widget's build (separate from the web app's): web/widget/src/widget.ts ->
 * web/widget/dist/widget.js, served by src/server.ts at /widget.js, plus the lazy viewer chunk
 * (three.js) under /widget-chunks/. Its own outDir, because the app's build empties web/dist.
 * `npm run build:widget`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 800,
    modulePreload: false,
    lib: { entry: here('./src/widget.ts'), formats: ['es'], fileName: () => 'widget.js' },
    rollupOptions: {
      // Lib mode keeps whitespace in ES output; this is an app bundle, minify it all.
      output: { chunkFileNames: 'widget-chunks/[name]-[hash].js', minify: true },
    },
  },
});
