/**
 * Remakes the landing page's examples (web/app/examples/): each photo the project may ship is
 * turned upright and downscaled (the "try it" picture), then made into a model by our own CLI
 * (`bin/image-to-stl.js`, the same pipeline as the server) with its shaded preview, and the
 * lithophanes also with their backlit view. Previews are re-encoded as small WebP so the whole
 * folder stays well under 1.5 MB. Only MIT (recurser/exif-orientation-examples) and public-domain
 * (concert.jpg) photos are used: see web/app/examples/LICENSE.
 *
 *   npm run examples            (about a minute on an idle machine)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const CORPUS = process.env.CORPUS_DIR ?? '/work/shared/corpus/images/real';
const OUT = new URL('../web/app/examples/', import.meta.url).pathname;
const CLI = new URL('../bin/image-to-stl.js', import.meta.url).pathname;

/** id, source photo, CLI arguments; the ids are what web/app/examples.ts names. */
const EXAMPLES: Array<{ id: string; photo: string; args: string[]; backlit?: boolean }> = [
  { id: 'flat', photo: 'Landscape_5.jpg', args: ['--shape', 'flat', '--width-mm', '100', '--frame-mm', '3'], backlit: true },
  { id: 'arc', photo: 'Portrait_3.jpg', args: ['--shape', 'arc', '--width-mm', '90'], backlit: true },
  { id: 'cylinder', photo: 'Landscape_6.jpg', args: ['--shape', 'cylinder', '--diameter-mm', '80'] },
  { id: 'relief', photo: 'concert.jpg', args: ['--mode', 'relief', '--width-mm', '120', '--max-height-mm', '4'] },
  { id: 'stand', photo: 'Portrait_8.jpg', args: ['--shape', 'flat', '--width-mm', '80', '--stand'], backlit: true },
];
/** Longest side of the shipped photo: enough for a print-sized preview, small on the wire. */
const PHOTO_SIDE = 480;
const PREVIEW_WIDTH = 480;

const work = mkdtempSync(join(tmpdir(), 'examples-'));
try {
  for (const ex of EXAMPLES) {
    const photo = join(OUT, `${ex.id}-photo.jpg`);
    await sharp(join(CORPUS, ex.photo))
      .rotate()
      .resize(PHOTO_SIDE, PHOTO_SIDE, { fit: 'inside' })
      .jpeg({ quality: 78, mozjpeg: true })
      .toFile(photo);
    const preview = join(work, `${ex.id}.png`);
    const backlit = join(work, `${ex.id}-backlit.png`);
    const args = [CLI, photo, '-o', join(work, `${ex.id}.stl`), '--preview', preview, '--quiet', '--resolution-mm', '0.3', ...ex.args];
    if (ex.backlit) args.push('--backlit', backlit);
    execFileSync(process.execPath, args, { stdio: 'inherit' });
    await sharp(preview)
      .resize(PREVIEW_WIDTH)
      .webp({ quality: 72 })
      .toFile(join(OUT, `${ex.id}-preview.webp`));
    if (ex.backlit)
      await sharp(backlit)
        .resize(PREVIEW_WIDTH)
        .webp({ quality: 72 })
        .toFile(join(OUT, `${ex.id}-backlit.webp`));
    console.log(`${ex.id}: ${ex.photo}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const total = readdirSync(OUT).reduce((sum, f) => sum + statSync(join(OUT, f)).size, 0);
console.log(`web/app/examples: ${(total / 1024).toFixed(0)} KB`);
