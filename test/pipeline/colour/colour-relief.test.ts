import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { sharedManifold } from '../../../wasm/manifold.ts';
import { nodePipelineDeps } from '../../../src/node/pipeline-deps.ts';
import { parseFilament } from '../../../src/pipeline/colour/filaments.ts';
import type { Filament } from '../../../src/pipeline/colour/filaments.ts';
import { bandTransmission, stackColours } from '../../../src/pipeline/colour/stack-colour.ts';
import { swapSheet } from '../../../src/pipeline/colour/swap-sheet.ts';
import type { RgbPlanes } from '../../../src/pipeline/colour/swap-plan.ts';
import { equalSwaps, planSwaps } from '../../../src/pipeline/colour/swap-plan.ts';
import { PipelineError } from '../../../src/pipeline/errors.ts';
import { resolveImageParams } from '../../../src/pipeline/params.ts';
import { encodePng } from '../../../src/pipeline/preview/png.ts';
import { runImagePipeline } from '../../../src/pipeline/run-pipeline.ts';
import { validateSolid } from '../../../src/pipeline/validate.ts';
import { readThreeMf } from '../../../src/pipeline/import/threemf.ts';

const f = (id: string) => parseFilament(id) as Filament;

/** A smooth picture: a horizontal ramp from dark blue to yellow, with a vertical fade to white. */
function rampPlanes(width = 64, height = 48): RgbPlanes {
  const n = width * height;
  const p: RgbPlanes = { width, height, r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = x / (width - 1);
      const s = y / (height - 1);
      const i = y * width + x;
      p.r[i] = (0.05 + 0.9 * t) * (1 - s) + s;
      p.g[i] = (0.1 + 0.75 * t) * (1 - s) + s;
      p.b[i] = (0.4 - 0.3 * t) * (1 - s) + s;
    }
  }
  return p;
}

describe('stack model', () => {
  it('lets a band one TD thick pass a tenth of the light', () => {
    expect(bandTransmission(1.2, 1.2)).toBeCloseTo(0.1, 10);
    expect(bandTransmission(0, 1)).toBe(1);
  });

  it('shows the bottom filament at the base and tends to the top filament as it thickens', () => {
    const colours = stackColours([f('black'), f('white')], [5], 0.1, 200);
    expect(colours[0]).toBeLessThan(0.01);
    expect(colours[3 * 5]).toBeLessThan(0.01);
    // Brightness rises monotonically with height over white.
    for (let layer = 6; layer <= 200; layer++) expect(colours[3 * layer]).toBeGreaterThan(colours[3 * (layer - 1)]);
    expect(colours[3 * 200]).toBeGreaterThan(0.85);
  });
});

describe('planSwaps', () => {
  it('starts from equal bands and ends no worse; strictly better on a picture that needs it', () => {
    const picture = rampPlanes();
    const filaments = [f('white'), f('black'), f('blue'), f('yellow')];
    const equal = planSwaps(picture, filaments, { method: 'equal' });
    const optimised = planSwaps(picture, filaments, { method: 'optimised' });
    expect(equal.swaps).toEqual(equalSwaps(4, 6, 30));
    expect(optimised.binnedError).toBeLessThan(equal.binnedError);
    // Stacked dark to light whatever order they were given in.
    expect(optimised.filaments.map((x) => x.id)).toEqual(['black', 'blue', 'yellow', 'white']);
    for (let k = 1; k < optimised.swaps.length; k++) expect(optimised.swaps[k]).toBeGreaterThanOrEqual(optimised.swaps[k - 1]);
  });

  it('swap sheet drops empty bands and swaps above the top', () => {
    const plan = planSwaps(rampPlanes(), [f('black'), f('white')], { method: 'equal' });
    const sheet = swapSheet({ ...plan, filaments: [f('black'), f('red'), f('white')], swaps: [10, 10] }, 30);
    expect(sheet.swaps).toEqual([{ layer: 11, printZMm: 0.88, filament: { name: 'White PLA', hex: '#f4f4f2', tdMm: 3.5 } }]);
    expect(swapSheet({ ...plan, swaps: [40] }, 30).swaps).toEqual([]);
  });
});

describe('colour-relief parameters', () => {
  it('accepts library ids and Name:#RRGGBB:TD, refuses anything else with the reason', () => {
    const ok = resolveImageParams({ mode: 'colour-relief', filaments: ['black', 'My red:#C01020:2.1'] });
    expect(ok.baseMm).toBe(0.48);
    expect(ok.maxHeightMm).toBe(1.92);
    for (const filaments of [['black', 'purple'], [], ['black', 'Bad:#C01020:0'], 'black']) {
      try {
        resolveImageParams({ mode: 'colour-relief', filaments });
        expect.unreachable(`accepted ${JSON.stringify(filaments)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(PipelineError);
        expect((error as PipelineError).code).toBe('invalid_parameters');
        expect((error as PipelineError).message).toMatch(/filaments/);
      }
    }
  });
});

describe('colour-relief job', () => {
  it('is a manifold solid of the planned height with both slicers’ colour changes and a colour preview', async () => {
    const p = rampPlanes(80, 60);
    const data = new Uint8Array(p.width * p.height * 4);
    for (let i = 0; i < p.width * p.height; i++) data.set([p.r[i] * 255, p.g[i] * 255, p.b[i] * 255, 255], 4 * i);
    const png = encodePng({ width: p.width, height: p.height, data });
    const params = resolveImageParams({ mode: 'colour-relief', widthMm: 40, formats: ['stl', '3mf'] });
    const result = await runImagePipeline(png, params, await nodePipelineDeps());
    expect(result.report.manifold).toBe(true);
    expect(result.report.boundingBoxMm.size[0]).toBeCloseTo(40, 0);
    expect(result.report.boundingBoxMm.size[2]).toBeLessThanOrEqual(0.48 + 1.92 + 1e-3);
    expect(result.report.colour?.meanDeltaE00).toBeGreaterThan(0);
    const names = result.artifacts.map((a) => a.name);
    expect(names).toEqual(
      expect.arrayContaining(['model.stl', 'model.3mf', 'swap-sheet.json', 'swap-sheet.png', 'colour.png', 'preview.png']),
    );
    const threeMf = result.artifacts.find((a) => a.name === 'model.3mf');
    const bytes = new Uint8Array(Buffer.concat([...(threeMf?.chunks() ?? [])]));
    const parts = unzipSync(bytes);
    const prusa = new TextDecoder().decode(parts['Metadata/Prusa_Slicer_custom_gcode_per_print_z.xml']);
    const bambu = new TextDecoder().decode(parts['Metadata/custom_gcode_per_layer.xml']);
    const swaps = result.report.colour?.swaps ?? [];
    expect(swaps.length).toBeGreaterThan(0);
    expect(prusa.match(/<code /g)?.length).toBe(swaps.length);
    expect(bambu.match(/<layer /g)?.length).toBe(swaps.length);
    for (const s of swaps) {
      expect(prusa).toContain(`print_z="${s.printZMm}" type="0"`);
      expect(bambu).toContain(`top_z="${s.printZMm}" type="0"`);
    }
    // The 3MF reads back as the same solid.
    const back = readThreeMf(bytes);
    const check = validateSolid(back.mesh, await sharedManifold());
    expect(check.manifold).toBe(true);
    expect(check.triangles).toBe(result.report.triangles);
  });
});

describe('colour-relief estimate', () => {
  it('prices the swap planning: more filaments, more seconds; dearer than a plain relief', async () => {
    const { estimateImageJob } = await import('../../../src/pipeline/estimate.ts');
    const source = { width: 1000, height: 750 };
    const relief = estimateImageJob(resolveImageParams({ mode: 'relief', baseMm: 0.48, maxHeightMm: 1.92 }), source);
    const two = estimateImageJob(resolveImageParams({ mode: 'colour-relief', filaments: ['black', 'white'] }), source);
    const six = estimateImageJob(
      resolveImageParams({ mode: 'colour-relief', filaments: ['black', 'blue', 'red', 'green', 'yellow', 'white'] }),
      source,
    );
    expect(two.seconds).toBeGreaterThan(relief.seconds);
    expect(six.seconds).toBeGreaterThan(two.seconds);
    expect(six.memoryMb).toBeGreaterThan(relief.memoryMb);
    expect(six.sizeMm?.[2]).toBeCloseTo(2.4, 1);
  });
});
