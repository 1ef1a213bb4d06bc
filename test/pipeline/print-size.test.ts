/**
 * The build-plate check judges a job by the size it predicts before meshing (print-size.ts): that
 * prediction must be the size the pipeline then makes, for every lithophane shape, a frame, a
 * stand and a relief. A black picture makes every lithophane sample as thick as it gets (a white
 * one every relief sample as high), so the box is exact.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { nodePipelineDeps } from '../../src/node/pipeline-deps.ts';
import { fitOnPlate, plateWarning } from '../../src/pipeline/build-plate.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import { expectedPrintSize } from '../../src/pipeline/print-size.ts';
import type { PipelineDeps } from '../../src/pipeline/run-pipeline.ts';
import { runImagePipeline } from '../../src/pipeline/run-pipeline.ts';

let deps: PipelineDeps;
let black: Uint8Array;
let white: Uint8Array;
const SOURCE = { width: 60, height: 40 };

const plain = async (v: number) =>
  new Uint8Array(
    await sharp({ create: { ...SOURCE, channels: 3, background: { r: v, g: v, b: v } } })
      .png()
      .toBuffer(),
  );

beforeAll(async () => {
  deps = await nodePipelineDeps();
  black = await plain(0);
  white = await plain(255);
});

describe('expected print size', () => {
  it.each([
    { mode: 'lithophane', widthMm: 60 },
    { mode: 'lithophane', widthMm: 60, frameMm: 3 },
    { mode: 'lithophane', widthMm: 60, stand: true },
    { mode: 'lithophane', shape: 'arc', widthMm: 60, arcDegrees: 120 },
    { mode: 'lithophane', shape: 'arc', widthMm: 60, arcDegrees: 240, frameMm: 2 },
    { mode: 'lithophane', shape: 'cylinder', diameterMm: 30 },
    { mode: 'lithophane', shape: 'cylinder', diameterMm: 30, frameMm: 2 },
    { mode: 'relief', widthMm: 60 },
  ])('%o is made at the size predicted', async (input) => {
    const params = resolveImageParams({ ...input, resolutionMm: 0.5, formats: ['stl'], previews: false });
    const predicted = expectedPrintSize(params, SOURCE).sizeMm;
    const made = (await runImagePipeline(params.mode === 'relief' ? white : black, params, deps)).report.boundingBoxMm.size;
    for (let axis = 0; axis < 3; axis++) expect(made[axis], `axis ${axis}`).toBeCloseTo(predicted[axis], 0);
  });
});

describe('build plate', () => {
  it('fits as placed, only turned, or not at all', () => {
    const plate = [250, 210, 210] as const;
    expect(fitOnPlate([240, 180, 3], plate)).toEqual({ fits: 'as-placed' });
    expect(fitOnPlate([200, 240, 3], plate)).toEqual({ fits: 'turned', turned: [240, 200, 3] });
    expect(fitOnPlate([106, 106, 236], plate).fits).toBe('turned');
    expect(fitOnPlate([608, 456, 3.2], plate)).toEqual({ fits: 'no' });
    expect(plateWarning([240, 180, 3], plate)).toBeUndefined();
    expect(plateWarning([608, 456, 3.2], plate)).toMatch(
      /608 × 456 × 3.2 mm\) does not fit the 250 × 210 × 210 mm build volume any way round/,
    );
  });
});
