/**
 * Print-first keychains: letters that do not touch come out as one piece (a base plate joins them
 * unless the user sets one), and a model of several loose pieces says so in its report.
 */
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodePipelineDeps } from '../../src/node/pipeline-deps.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import type { PipelineDeps } from '../../src/pipeline/run-pipeline.ts';
import { runImagePipeline } from '../../src/pipeline/run-pipeline.ts';

/** Black "letters" (three separate bars) on white, 300 x 120 px. */
async function separateLetters(): Promise<Uint8Array> {
  const w = 300;
  const h = 120;
  const px = new Uint8Array(w * h).fill(255);
  for (const x0 of [30, 130, 230]) for (let y = 20; y < 100; y++) for (let x = x0; x < x0 + 40; x++) px[y * w + x] = 0;
  return new Uint8Array(
    await sharp(px, { raw: { width: w, height: h, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

let deps: PipelineDeps;
let picture: Uint8Array;
beforeAll(async () => {
  deps = await nodePipelineDeps();
  picture = await separateLetters();
});

describe('keychain from separate letters', () => {
  it('is one connected solid by default (a base plate joins the letters)', async () => {
    const params = resolveImageParams({ mode: 'extrude', keychain: true, widthMm: 50, formats: ['stl'], previews: false });
    expect(params.basePlateMm).toBeGreaterThan(0);
    const result = await runImagePipeline(picture, params, deps);
    expect(result.report.parts).toBe(1);
    expect(result.report.warnings.join(' ')).not.toMatch(/separate pieces/);
  });

  it('with the base plate set to 0 by the user, reports the loose pieces and how to join them', async () => {
    const params = resolveImageParams({ mode: 'extrude', keychain: true, basePlateMm: 0, widthMm: 50, formats: ['stl'], previews: false });
    const result = await runImagePipeline(picture, params, deps);
    expect(result.report.parts).toBeGreaterThan(1);
    expect(result.report.warnings.join(' ')).toMatch(/\d+ separate pieces.*basePlateMm/);
  });

  it('a plain extrusion keeps separate letters by default (a sign of loose letters is a choice), and says so', async () => {
    const params = resolveImageParams({ mode: 'extrude', widthMm: 50, formats: ['stl'], previews: false });
    expect(params.basePlateMm).toBe(0);
    const result = await runImagePipeline(picture, params, deps);
    expect(result.report.parts).toBe(3);
    expect(result.report.warnings.join(' ')).toMatch(/3 separate pieces/);
  });
});
