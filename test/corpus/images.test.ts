/**
 * Every real picture converts in every mode; every hostile one gets a clear, coded error within
 * 5 s (or, where the file is a legitimate picture in disguise, a valid solid), never a crash.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodePipelineDeps } from '../../src/node/pipeline-deps.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import type { PipelineDeps } from '../../src/pipeline/run-pipeline.ts';
import { runImagePipeline } from '../../src/pipeline/run-pipeline.ts';
import { CORPUS, corpusFiles, corpusPresent } from './corpus-path.ts';

let deps: PipelineDeps;
beforeAll(async () => {
  deps = await nodePipelineDeps();
});

const MODES = [
  { mode: 'relief' },
  { mode: 'lithophane', shape: 'flat' },
  { mode: 'lithophane', shape: 'arc' },
  { mode: 'lithophane', shape: 'cylinder' },
  { mode: 'extrude' },
] as const;

describe.skipIf(!corpusPresent)('corpus: real pictures', () => {
  const files = corpusFiles('images/real');
  it('has pictures to test', () => expect(files.length).toBeGreaterThan(10));
  for (const file of files) {
    for (const m of MODES) {
      it(`${file} -> ${m.mode}${'shape' in m ? ` ${m.shape}` : ''}`, async () => {
        const bytes = new Uint8Array(readFileSync(`${CORPUS}images/real/${file}`));
        const params = resolveImageParams({ ...m, widthMm: 80, formats: ['stl'], previews: m.mode === 'lithophane' });
        const result = await runImagePipeline(bytes, params, deps);
        expect(result.report.manifold).toBe(true);
        expect(result.report.triangles).toBeLessThanOrEqual(params.maxTriangles);
        if (result.report.outlineCut) {
          // Cut to the subject (a picture with transparency): no wider than the picture, one piece.
          expect(result.report.boundingBoxMm.size[0]).toBeLessThanOrEqual(80 * 1.005);
          expect(result.report.parts).toBe(1);
        } else if (m.mode !== 'lithophane' || m.shape === 'flat') {
          // Extrude sizes the traced outline; relief and flat lithophanes the whole picture.
          expect(Math.abs(result.report.boundingBoxMm.size[0] - 80) / 80).toBeLessThan(m.mode === 'extrude' ? 0.01 : 0.005);
        }
        if (result.report.achievedMaxErrorMm !== undefined && result.report.warnings.length === 0) {
          expect(result.report.achievedMaxErrorMm).toBeLessThanOrEqual(params.maxErrorMm);
        }
      });
    }
  }
});

/** What each hostile file must produce: an error code, or 'ok' for a valid picture in disguise. */
const HOSTILE_EXPECTED: Record<string, string> = {
  'truncated.jpg': 'image_corrupt',
  'truncated.png': 'image_corrupt',
  'corrupt-header.jpg': 'image_corrupt',
  'giant-image.jpg': 'image_too_large',
  '65536-uint32-limit.png': 'image_too_large',
  'full-transparent.png': 'image_empty',
  '2x2_fdcce6.png': 'image_too_small',
  'prophoto.png': 'image_too_small',
  'struct-image-04-t.svg': 'unsupported_format',
  // Legitimate pictures: the first frame of an animation, a lossless JPEG.
  'big-height.webp': 'ok',
  'rotating-squares.gif': 'ok',
  'testimgl.jpg': 'ok',
};

describe.skipIf(!corpusPresent)('corpus: hostile pictures', () => {
  for (const file of corpusFiles('images/hostile')) {
    it(`${file} -> ${HOSTILE_EXPECTED[file] ?? 'a coded error'} within 5 s`, async () => {
      const bytes = new Uint8Array(readFileSync(`${CORPUS}images/hostile/${file}`));
      const started = performance.now();
      let outcome = 'ok';
      try {
        const result = await runImagePipeline(bytes, resolveImageParams({ mode: 'lithophane', formats: ['stl'] }), deps);
        expect(result.report.manifold).toBe(true);
      } catch (error) {
        expect(isPipelineError(error)).toBe(true);
        const e = error as { code: string; message: string };
        expect(e.message.length).toBeGreaterThan(10);
        outcome = e.code;
      }
      expect(performance.now() - started).toBeLessThan(5000);
      if (HOSTILE_EXPECTED[file]) expect(outcome).toBe(HOSTILE_EXPECTED[file]);
      else expect(outcome).not.toBe('ok');
    });
  }
});
