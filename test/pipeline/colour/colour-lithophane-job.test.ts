import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { nodePipelineDeps } from '../../../src/node/pipeline-deps.ts';
import { PipelineError } from '../../../src/pipeline/errors.ts';
import { estimateImageJob } from '../../../src/pipeline/estimate.ts';
import { resolveImageParams } from '../../../src/pipeline/params.ts';
import { encodePng } from '../../../src/pipeline/preview/png.ts';
import { runImagePipeline } from '../../../src/pipeline/run-pipeline.ts';

/** Red, green and blue bands over a dark-to-light fade. */
function bandsPng(width = 60, height = 40): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const band = Math.floor((3 * x) / width);
      const light = 60 + Math.round((195 * y) / (height - 1));
      const rgb = [0, 0, 0].map((_, c) => (c === band ? light : Math.round(light * 0.2)));
      data.set([...rgb, 255], 4 * (y * width + x));
    }
  return encodePng({ width, height, data });
}

const bytesOf = (a: { chunks(): Iterable<Uint8Array> } | undefined) => new Uint8Array(Buffer.concat([...(a?.chunks() ?? [])]));

describe('colour-lithophane job', () => {
  it('gives one 3MF with one body per filament, a manifold union whose volume is the sum, and the backlit prediction', async () => {
    const params = resolveImageParams({ mode: 'colour-lithophane', widthMm: 30, formats: ['3mf', 'stl'], previews: true });
    expect(params.filaments).toEqual(['cyan', 'magenta', 'yellow', 'white']);
    const result = await runImagePipeline(bandsPng(), params, await nodePipelineDeps());
    const report = result.report;
    expect(report.manifold).toBe(true);
    expect(report.boundingBoxMm.size[0]).toBeCloseTo(30, 0);
    const bodies = report.colourLithophane?.bodies ?? [];
    expect(bodies.map((b) => b.filament)).toEqual(['Cyan PLA', 'Magenta PLA', 'Yellow PLA', 'White PLA']);
    expect(bodies.map((b) => b.extruder)).toEqual([1, 2, 3, 4]);
    const sum = bodies.reduce((s, b) => s + b.volumeMm3, 0);
    expect(Math.abs(report.volumeMm3 - sum) / sum).toBeLessThan(0.005);
    expect(report.colourLithophane?.meanDeltaE00).toBeGreaterThan(0);
    expect(result.artifacts.map((a) => a.name)).toEqual(expect.arrayContaining(['model.3mf', 'model.stl', 'colour.png']));
    const model = new TextDecoder().decode(unzipSync(bytesOf(result.artifacts.find((a) => a.name === 'model.3mf')))['3D/3dmodel.model']);
    expect(model.match(/<object /g)).toHaveLength(4);
    expect(model).toContain('name="Yellow PLA"');
    // The work estimate prices the full grids of every body: within 2% of what was built.
    const estimate = estimateImageJob(params, { width: 60, height: 40 });
    expect(Math.abs(estimate.triangles - report.triangles) / report.triangles).toBeLessThan(0.02);
  });

  it('refuses a single filament (a colour needs the white texture too)', () => {
    expect(() => resolveImageParams({ mode: 'colour-lithophane', filaments: ['cyan'] })).toThrow(PipelineError);
  });
});

describe('lithophane backlit preview in the chosen filament', () => {
  it('renders a different backlit.png for red PLA than for the default white', async () => {
    const deps = await nodePipelineDeps();
    const run = async (extra: Record<string, unknown>) => {
      const params = resolveImageParams({ mode: 'lithophane', widthMm: 20, formats: ['stl'], previews: true, ...extra });
      const result = await runImagePipeline(bandsPng(), params, deps);
      return bytesOf(result.artifacts.find((a) => a.name === 'backlit.png'));
    };
    const white = await run({});
    const red = await run({ filament: 'red' });
    expect(white.length).toBeGreaterThan(0);
    expect(Buffer.compare(Buffer.from(white), Buffer.from(red))).not.toBe(0);
    expect(() => resolveImageParams({ mode: 'lithophane', filament: 'unobtainium' })).toThrow(PipelineError);
  });
});
