/**
 * The work estimate: the grid it predicts is the grid the pipeline samples (checked against real
 * runs), it is capped by the picture's pixels as the pipeline is, and issue 14's job is past the limits.
 */
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodePipelineDeps } from '../../src/node/pipeline-deps.ts';
import { ESTIMATE_LIMITS_DEFAULTS, estimateImageJob, estimateMeshJob, exceededLimits } from '../../src/pipeline/estimate.ts';
import { IMPORT_LIMITS_DEFAULTS } from '../../src/pipeline/import/limits.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import type { PipelineDeps } from '../../src/pipeline/run-pipeline.ts';
import { runImagePipeline } from '../../src/pipeline/run-pipeline.ts';

const square = (side: number) => ({ width: side, height: side });
const ISSUE_14 = { mode: 'lithophane', shape: 'cylinder', widthMm: 1000, resolutionMm: 0.02 };

describe('estimateImageJob', () => {
  it("refuses issue 14's job: a 2000² picture as a 1 m cylinder at 0.02 mm is 64 M samples, 8001 a side, over 2 GB", () => {
    const estimate = estimateImageJob(resolveImageParams(ISSUE_14), square(2000));
    expect(estimate.grid).toEqual({ width: 8001, height: 8001 });
    expect(estimate.memoryMb).toBeGreaterThan(2000);
    expect(exceededLimits(estimate).map((e) => e.limit)).toEqual(['gridSamples', 'gridSide', 'memoryMb']);
  });

  it('lets the 1000² version through at 16 M samples (4 columns per pixel is the cylinder cap)', () => {
    const estimate = estimateImageJob(resolveImageParams(ISSUE_14), square(1000));
    expect(estimate.samples).toBe(4001 * 4001);
    expect(estimate.memoryMb).toBeLessThan(ESTIMATE_LIMITS_DEFAULTS.maxMemoryMb);
    expect(exceededLimits(estimate)).toEqual([]);
  });

  it('a flat grid never has more samples than the picture has pixels, whatever the resolution asks', () => {
    const fine = estimateImageJob(resolveImageParams({ mode: 'relief', widthMm: 1000, resolutionMm: 0.02 }), { width: 1024, height: 512 });
    expect(fine.grid).toEqual({ width: 1024, height: 513 }); // (width - 1) x aspect + 1, as printGrid rounds
    const defaults = estimateImageJob(resolveImageParams({ mode: 'lithophane' }), square(1024));
    expect(defaults.grid).toEqual({ width: 501, height: 501 });
  });

  it('expects at most the triangle budget plus the closing walls', () => {
    const params = resolveImageParams({ mode: 'relief', widthMm: 400, maxTriangles: 100_000 });
    const estimate = estimateImageJob(params, square(2000));
    expect(estimate.triangles).toBe(100_000 + 4 * (2000 + 2000));
    const bigger = estimateImageJob({ ...params, maxTriangles: 1_000_000 }, square(2000));
    expect(bigger.memoryMb).toBeGreaterThan(estimate.memoryMb);
    expect(bigger.seconds).toBeGreaterThan(estimate.seconds);
  });

  it('without the picture size assumes a square picture as fine as the parameters ask', () => {
    expect(estimateImageJob(resolveImageParams({ mode: 'lithophane', widthMm: 100, resolutionMm: 0.5 })).grid).toEqual({
      width: 201,
      height: 201,
    });
    expect(exceededLimits(estimateImageJob(resolveImageParams(ISSUE_14))).length).toBeGreaterThan(0);
  });
});

describe('the estimated grid is the grid the pipeline samples', () => {
  let deps: PipelineDeps;
  let picture: Uint8Array;
  beforeAll(async () => {
    deps = await nodePipelineDeps();
    const raw = Buffer.alloc(90 * 60);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) % 251;
    picture = new Uint8Array(
      await sharp(raw, { raw: { width: 90, height: 60, channels: 1 } })
        .png()
        .toBuffer(),
    );
  });

  it.each([
    { mode: 'relief', widthMm: 30, resolutionMm: 0.5 },
    { mode: 'lithophane', widthMm: 100, resolutionMm: 0.2 },
    { mode: 'lithophane', widthMm: 30, resolutionMm: 0.5, frameMm: 3 },
    { mode: 'lithophane', shape: 'arc', widthMm: 30, resolutionMm: 0.5, frameMm: 2 },
    { mode: 'lithophane', shape: 'cylinder', widthMm: 60, resolutionMm: 0.5, frameMm: 2 },
    { mode: 'lithophane', shape: 'cylinder', widthMm: 500, resolutionMm: 0.1 },
    { mode: 'lithophane', heightMm: 20, resolutionMm: 0.4 },
  ])('%o', async (input) => {
    const params = resolveImageParams({ ...input, formats: ['stl'], previews: false });
    const { report } = await runImagePipeline(picture, params, deps);
    const estimate = estimateImageJob(params, { width: 90, height: 60 });
    expect(estimate.grid).toEqual({ width: report.grid!.width, height: report.grid!.height });
  });
});

describe('estimateMeshJob', () => {
  it('scales with the input triangles and assumes the import limit when the count is unknown', () => {
    const small = estimateMeshJob('repair', 10_000);
    const large = estimateMeshJob('repair', 1_000_000);
    expect(large.memoryMb).toBeGreaterThan(small.memoryMb);
    expect(large.seconds).toBeGreaterThan(small.seconds);
    expect(estimateMeshJob('repair', null).triangles).toBe(IMPORT_LIMITS_DEFAULTS.maxTriangles);
    expect(estimateMeshJob('convert', 1_000_000).seconds).toBeLessThan(large.seconds);
  });
});
