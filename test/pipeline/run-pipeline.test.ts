/**
 * End to end through runImagePipeline with the real codec (sharp) and manifold-3d, on the
 * fixtures: every mode and shape, every output format read back by an independent tool.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { nodePipelineDeps } from '../../src/node/pipeline-deps.ts';
import type { PipelineDeps, PipelineResult } from '../../src/pipeline/run-pipeline.ts';
import { runImagePipeline } from '../../src/pipeline/run-pipeline.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import { thicknessFromBrightness } from '../../src/pipeline/modes/thickness.ts';
import { WHITE_PLA_ATTENUATION_PER_MM } from '../../src/pipeline/modes/material.ts';
import { readThreeMf } from '../../src/pipeline/import/threemf.ts';
import { readObj } from '../../src/pipeline/import/obj.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import { concatChunks, glbTrianglesWithThree, glbValidatorErrors, stlTrianglesWithThree } from '../helpers/read-back.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
let deps: PipelineDeps;
beforeAll(async () => {
  deps = await nodePipelineDeps();
});

function artifact(result: PipelineResult, name: string): Uint8Array {
  const a = result.artifacts.find((x) => x.name === name);
  if (!a) throw new Error(`no ${name}`);
  return concatChunks(a.chunks());
}

async function expectFormatsReadBack(result: PipelineResult): Promise<void> {
  const triangles = result.report.triangles;
  const stl = artifact(result, 'model.stl');
  expect(stl.byteLength).toBe(84 + 50 * triangles);
  expect(stlTrianglesWithThree(stl).triangles).toBe(triangles);
  const glb = artifact(result, 'model.glb');
  expect((await glbTrianglesWithThree(glb)).triangles).toBe(triangles);
  expect(await glbValidatorErrors(glb)).toBe(0);
  expect(readThreeMf(artifact(result, 'model.3mf')).mesh.indices.length / 3).toBe(triangles);
  expect(readObj(artifact(result, 'model.obj')).mesh.indices.length / 3).toBe(triangles);
  const png = artifact(result, 'preview.png');
  const meta = await sharp(png).metadata();
  expect(meta.format).toBe('png');
  expect(meta.width).toBeGreaterThan(100);
}

const ALL = ['stl', '3mf', 'glb', 'obj'];

describe('relief', () => {
  it('constant grey is a box of the analytic volume, all formats read back', async () => {
    const params = resolveImageParams({ mode: 'relief', widthMm: 60, resolutionMm: 0.5, baseMm: 2, maxHeightMm: 3, formats: ALL });
    const result = await runImagePipeline(fixture('grey.png'), params, deps);
    const r = result.report;
    expect(r.manifold).toBe(true);
    const [x, y, z] = r.boundingBoxMm.size;
    expect(Math.abs(x - 60) / 60).toBeLessThan(0.005);
    expect(Math.abs(y - 40) / 40).toBeLessThan(0.01);
    const height = 2 + (128 / 255) * 3;
    expect(z).toBeCloseTo(height, 2);
    expect(Math.abs(r.volumeMm3 - x * y * height) / (x * y * height)).toBeLessThan(0.001);
    await expectFormatsReadBack(result);
  });

  it('a photo stays within error and budget', async () => {
    const params = resolveImageParams({ mode: 'relief', widthMm: 80, maxErrorMm: 0.05, maxTriangles: 150_000, formats: ALL });
    const result = await runImagePipeline(fixture('photo.jpg'), params, deps);
    expect(result.report.achievedMaxErrorMm).toBeLessThanOrEqual(0.05);
    expect(result.report.triangles).toBeLessThanOrEqual(150_000);
    expect(result.report.triangles).toBeLessThan(result.report.grid!.fullGridTriangles);
    expect(Math.abs(result.report.boundingBoxMm.size[0] - 80) / 80).toBeLessThan(0.005);
    await expectFormatsReadBack(result);
  });
});

describe('lithophane', () => {
  it('flat: a uniform picture is a slab of the curve thickness', async () => {
    const params = resolveImageParams({ mode: 'lithophane', widthMm: 60, resolutionMm: 0.5, formats: ALL });
    const result = await runImagePipeline(fixture('grey.png'), params, deps);
    const t = thicknessFromBrightness(
      { width: 1, height: 1, values: Float32Array.of(128 / 255) },
      {
        minThicknessMm: 0.8,
        maxThicknessMm: 3.2,
        attenuationPerMm: WHITE_PLA_ATTENUATION_PER_MM,
        curve: 'transmission',
      },
    )[0];
    const [x, y, z] = result.report.boundingBoxMm.size;
    expect(z).toBeCloseTo(t, 3);
    expect(Math.abs(result.report.volumeMm3 - x * y * t) / (x * y * t)).toBeLessThan(0.001);
    expect(result.artifacts.some((a) => a.name === 'backlit.png')).toBe(true);
    await expectFormatsReadBack(result);
  });

  it.each(['flat', 'arc', 'cylinder'] as const)('%s from a photo: manifold, sized, within error', async (shape) => {
    const params = resolveImageParams({ mode: 'lithophane', shape, widthMm: 120, maxErrorMm: 0.05, formats: ALL });
    const result = await runImagePipeline(fixture('photo.jpg'), params, deps);
    const r = result.report;
    expect(r.manifold).toBe(true);
    expect(r.achievedMaxErrorMm).toBeLessThanOrEqual(0.05);
    expect(r.triangles).toBeLessThanOrEqual(params.maxTriangles);
    const [x, , z] = r.boundingBoxMm.size;
    if (shape === 'flat') expect(Math.abs(x - 120) / 120).toBeLessThan(0.005);
    if (shape === 'cylinder') {
      expect(r.genus).toBe(1);
      const radius = 120 / (2 * Math.PI);
      expect(x).toBeGreaterThan(2 * (radius + 0.8));
      expect(x).toBeLessThanOrEqual(2 * (radius + 3.2) + 0.01);
      expect(Math.abs(z - 90) / 90).toBeLessThan(0.01);
    }
    await expectFormatsReadBack(result);
  });

  it('a stand makes one upright solid', async () => {
    const params = resolveImageParams({ mode: 'lithophane', widthMm: 60, resolutionMm: 0.4, stand: true, formats: ['stl'] });
    const result = await runImagePipeline(fixture('photo.jpg'), params, deps);
    expect(result.report.manifold).toBe(true);
    expect(result.report.genus).toBe(0);
    expect(result.report.boundingBoxMm.size[2]).toBeGreaterThan(45);
  });
});

describe('extrude', () => {
  it('a logo keeps its five holes on a rectangular plate', async () => {
    const params = resolveImageParams({ mode: 'extrude', widthMm: 60, basePlateMm: 1.2, formats: ALL });
    const result = await runImagePipeline(fixture('logo-holes.png'), params, deps);
    expect(result.report.manifold).toBe(true);
    expect(result.report.boundingBoxMm.size[2]).toBeCloseTo(3 + 1.2, 3);
    await expectFormatsReadBack(result);
  });

  it('a keychain tab adds exactly one hole', async () => {
    const base = { mode: 'extrude', widthMm: 40, basePlateMm: 1.2, formats: ['stl'] };
    const plain = await runImagePipeline(fixture('photo.jpg'), resolveImageParams(base), deps);
    const keyed = await runImagePipeline(fixture('photo.jpg'), resolveImageParams({ ...base, keychain: true }), deps);
    expect(keyed.report.genus).toBe(plain.report.genus + 1);
  });
});

describe('bad input', () => {
  const codeOf = async (bytes: Uint8Array, extra: Record<string, unknown> = {}) => {
    try {
      await runImagePipeline(bytes, resolveImageParams({ formats: ['stl'], ...extra }), deps);
      return 'ok';
    } catch (error) {
      expect(isPipelineError(error)).toBe(true);
      return (error as { code: string }).code;
    }
  };

  it('answers each kind of bad picture with its own code', async () => {
    expect(await codeOf(new TextEncoder().encode('this is not a picture at all'))).toBe('unsupported_format');
    expect(await codeOf(new Uint8Array(0))).toBe('image_corrupt');
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>',
    );
    expect(await codeOf(svg)).toBe('unsupported_format');
    const tiny = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#888' } })
      .png()
      .toBuffer();
    expect(await codeOf(new Uint8Array(tiny))).toBe('image_too_small');
    const clear = await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    expect(await codeOf(new Uint8Array(clear))).toBe('image_empty');
    const truncated = fixture('photo.jpg').subarray(0, 4000);
    expect(await codeOf(truncated)).toBe('image_corrupt');
  });

  it('rejects nonsense parameters before any work', () => {
    expect(() => resolveImageParams({ widthMm: -5 })).toThrow(/widthMm/);
    expect(() => resolveImageParams({ mode: 'sculpt' })).toThrow(/mode/);
    expect(() => resolveImageParams({ formats: ['step'] })).toThrow(/formats/);
    expect(() => resolveImageParams({ bogus: 1 })).toThrow(/unknown parameter/);
  });
});
