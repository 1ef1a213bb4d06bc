/**
 * `--frame-text` (issue 15): the flag comes from the catalogue's free-text field, the help lists it,
 * and the CLI writes a framed lithophane with the letters in it (one solid, the report says how tall
 * they came out); text where there is no frame band is one line of reason, exit 2 like any bad command.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/args.ts';

const BIN = fileURLToPath(new URL('../../bin/image-to-stl.js', import.meta.url));
const PHOTO = fileURLToPath(new URL('../../fixtures/photo.jpg', import.meta.url));
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'its-frame-text-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('--frame-text', () => {
  it('is parsed into the job with its companions, and --help lists them with their defaults', () => {
    const request = parseCli([PHOTO, '-o', 'x.stl', '--frame-text', 'Family 2026', '--frame-text-side', 'top', '--frame-text-mm', '6']);
    if (typeof request === 'string') throw new Error('expected a request');
    expect(request.params).toMatchObject({ frameText: 'Family 2026', frameTextSide: 'top', frameTextMm: 6 });
    const help = run('--help').stdout;
    expect(help).toMatch(/--frame-text "TEXT"\s+one line on the frame/);
    expect(help).toMatch(/--frame-text-side bottom\|top\s+which band of the frame \(default bottom\)/);
    expect(help).toMatch(/--frame-text-style engraved\|raised\s+.*\(default engraved\)/);
    expect(help).toContain('--frame-text "Family 2026"');
  });

  it('writes a framed lithophane with the text engraved, one solid', async () => {
    const stl = join(dir, 'framed.stl');
    const report = join(dir, 'framed.json');
    const r = run(
      PHOTO,
      '-o',
      stl,
      '--width-mm',
      '80',
      '--resolution-mm',
      '0.4',
      '--frame-text',
      'Family 2026',
      '--report',
      report,
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
    const parsed = JSON.parse(await readFile(report, 'utf8'));
    expect(parsed).toMatchObject({ manifold: true, parts: 1, frameText: { side: 'bottom', style: 'engraved' } });
    expect(parsed.frameText.letterMm).toBeGreaterThanOrEqual(4);
    // An 80 mm picture in the 10 mm frame added for the text.
    expect(parsed.boundingBoxMm.size[0]).toBeCloseTo(100, 0);
    expect((await readFile(stl)).readUInt32LE(80)).toBe(parsed.triangles);
  });

  it('refuses text on a heart with one line and exit 2 (a bad command)', () => {
    const r = run(PHOTO, '-o', join(dir, 'heart.stl'), '--shape', 'heart', '--frame-text', 'Ada');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/invalid_parameters.*frameText.*heart/);
  });
});
