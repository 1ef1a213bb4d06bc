/**
 * The shaped lithophanes through the whole image pipeline (codec, catalogue parameters, manifold
 * check, report): one part, the report's size as the estimate predicts it (print-size.ts) within 1%,
 * in budget, and a plate warning when the printer is too small.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodePipelineDeps } from '../../src/node/pipeline-deps.ts';
import type { PipelineDeps } from '../../src/pipeline/run-pipeline.ts';
import { runImagePipeline } from '../../src/pipeline/run-pipeline.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import { expectedPrintSize } from '../../src/pipeline/print-size.ts';
import { MODE_CATALOG } from '../../src/pipeline/catalog/modes.ts';
import { countEdgeDefects } from '../../src/pipeline/validate.ts';

const photo = new Uint8Array(readFileSync(new URL('../../fixtures/photo.jpg', import.meta.url)));
let deps: PipelineDeps;
beforeAll(async () => {
  deps = await nodePipelineDeps();
});

const presets = MODE_CATALOG.modes.find((m) => m.mode === 'lithophane')!.presets;

/**
 * Axes whose size follows the picture's thickness where the shape is widest (a dome's top, a
 * globe's equator): the prediction takes the thickest the picture may be, the photo is thinner.
 */
const THICKNESS_AXES: Record<string, number[]> = { 'lithophane-dome': [2], 'lithophane-globe': [0, 1] };

describe.each(['lithophane-heart', 'lithophane-dome', 'lithophane-globe', 'lithophane-nightlight'])('preset %s', (id) => {
  it('prints as one strict-manifold part of the predicted size, within budget', async () => {
    const preset = presets.find((p) => p.id === id)!;
    const params = resolveImageParams({ ...preset.defaults, ...preset.fixed, resolutionMm: 0.5, maxTriangles: 60_000, previews: false });
    const result = await runImagePipeline(photo, params, deps);
    const r = result.report;
    expect(r.manifold).toBe(true);
    expect(countEdgeDefects(result.mesh)).toEqual({ open: 0, overused: 0 });
    expect(r.parts).toBe(1);
    expect(r.triangles).toBeLessThanOrEqual(60_000 * 1.1);
    const predicted = expectedPrintSize(params, { width: 480, height: 360 }).sizeMm;
    // The prediction from the parameters alone (what the estimate checks against the plate) matches what was built.
    for (let i = 0; i < 3; i++) {
      const size = r.boundingBoxMm.size[i];
      if (THICKNESS_AXES[id]?.includes(i)) {
        expect(size, `axis ${i}`).toBeLessThanOrEqual(predicted[i] * 1.01);
        expect(size, `axis ${i}`).toBeGreaterThanOrEqual(predicted[i] - 2 * params.maxThicknessMm);
      } else expect(Math.abs(size - predicted[i]) / predicted[i], `axis ${i}`).toBeLessThan(0.01);
    }
    expect(r.warnings.filter((w) => w.includes('build volume'))).toEqual([]);
  }, 120_000);
});

describe('build plate', () => {
  it('warns when a globe is larger than the printer', async () => {
    const params = resolveImageParams({ shape: 'globe', diameterMm: 60, resolutionMm: 0.6, buildPlateMm: [50, 50, 50], previews: false });
    const result = await runImagePipeline(photo, params, deps);
    expect(result.report.warnings.join(' ')).toMatch(/does not fit the 50 × 50 × 50 mm build volume any way round/);
  }, 120_000);
});

describe('arc with a stand', () => {
  it('stands the arc in a foot plate: one part, the predicted size', async () => {
    const params = resolveImageParams({ shape: 'arc', stand: true, widthMm: 80, resolutionMm: 0.5, maxTriangles: 40_000, previews: false });
    const result = await runImagePipeline(photo, params, deps);
    expect(result.report.manifold).toBe(true);
    expect(countEdgeDefects(result.mesh)).toEqual({ open: 0, overused: 0 });
    expect(result.report.parts).toBe(1);
    const predicted = expectedPrintSize(params, { width: 480, height: 360 }).sizeMm;
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(result.report.boundingBoxMm.size[i] - predicted[i]) / predicted[i], `axis ${i}`).toBeLessThan(0.01);
    }
  }, 120_000);
});
