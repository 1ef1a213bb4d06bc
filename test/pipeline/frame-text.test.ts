/**
 * Lithophane frame text (issue 15): the letters are real geometry on the frame band (a section
 * through the band shows them, the volume changes by their area times the relief), the result is
 * one watertight solid of the same outer size, the picture's adaptive triangulation is untouched,
 * the text shrinks with a warning to fit and is refused below the legible minimum.
 */
import { readFileSync } from 'node:fs';
import type { ManifoldToplevel } from 'manifold-3d';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedManifold } from '../../wasm/manifold.ts';
import { nodePipelineDeps } from '../../src/node/pipeline-deps.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { FRAME_TEXT } from '../../src/pipeline/modes/frame-text.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import type { PipelineDeps } from '../../src/pipeline/run-pipeline.ts';
import { runImagePipeline } from '../../src/pipeline/run-pipeline.ts';
import { BUNDLED_FONT_RANGES, missingFromBundledFont } from '../../src/pipeline/text/bundled-font-coverage.ts';
import { readTrueType } from '../../src/pipeline/text/truetype.ts';

const photo = new Uint8Array(readFileSync(new URL('../../fixtures/photo.jpg', import.meta.url)));
let deps: PipelineDeps;
let wasm: ManifoldToplevel;
beforeAll(async () => {
  deps = await nodePipelineDeps();
  wasm = await sharedManifold();
});

const BASE = { mode: 'lithophane', widthMm: 80, resolutionMm: 0.4, frameMm: 10, formats: ['stl'], previews: false };

async function make(extra: Record<string, unknown>) {
  return runImagePipeline(photo, resolveImageParams({ ...BASE, ...extra }), deps);
}

/** Area of the solid's cross-section at height z, mm². */
function sectionArea(mesh: Mesh, z: number): number {
  const solid = wasm.Manifold.ofMesh(new wasm.Mesh({ numProp: 3, vertProperties: mesh.positions, triVerts: mesh.indices }));
  const section = solid.slice(z);
  try {
    return section.area();
  } finally {
    section.delete();
    solid.delete();
  }
}

/** Triangles whose corners all lie inside the picture (the frame band and its edges left out), on the top surface. */
function pictureTriangles(mesh: Mesh, halfWidth: number, halfHeight: number): number {
  const { positions: p, indices } = mesh;
  let count = 0;
  for (let t = 0; t < indices.length; t += 3) {
    let inside = true;
    for (let k = 0; k < 3; k++) {
      const v = indices[t + k] * 3;
      if (Math.abs(p[v]) >= halfWidth - 0.01 || Math.abs(p[v + 1]) >= halfHeight - 0.01 || p[v + 2] < 0.01) inside = false;
    }
    if (inside) count++;
  }
  return count;
}

describe('frame text on a flat lithophane', () => {
  it('engraved (the default): one solid of the same size, lighter by the letters, picture triangles unchanged', async () => {
    const plain = await make({});
    const text = await make({ frameText: 'Family 2026' });
    const r = text.report;
    expect(r.manifold).toBe(true);
    expect(r.parts).toBe(1);
    expect(r.warnings.join(' ')).not.toMatch(/shrunk|pieces/);
    for (let i = 0; i < 3; i++) expect(Math.abs(r.boundingBoxMm.size[i] - plain.report.boundingBoxMm.size[i])).toBeLessThan(0.5);
    expect(r.frameText?.style).toBe('engraved');
    expect(r.frameText?.letterMm).toBeGreaterThanOrEqual(FRAME_TEXT.minLetterMm);
    const area = r.frameText?.letterAreaMm2 ?? 0;
    expect(area).toBeGreaterThan(60);
    // The volume falls by the letters' area times the engraving depth.
    const lost = plain.report.volumeMm3 - r.volumeMm3;
    expect(Math.abs(lost - area * FRAME_TEXT.reliefMm) / (area * FRAME_TEXT.reliefMm)).toBeLessThan(0.03);
    // Half-way down the engraving (above the thickest picture, 3.2 mm), the section is the frame less the letters.
    const z = 4 - FRAME_TEXT.reliefMm / 2;
    const holes = sectionArea(plain.mesh, z) - sectionArea(text.mesh, z);
    expect(Math.abs(holes - area) / area).toBeLessThan(0.03);
    // The picture's own adaptive triangles are those of the plain lithophane (a few hundred at
    // 0.4 mm and the 0.06 mm default error bound: enough that an added or lost one is seen).
    const [w, h] = plain.report.boundingBoxMm.size;
    expect(pictureTriangles(plain.mesh, w / 2 - 10, h / 2 - 10)).toBeGreaterThan(300);
    expect(pictureTriangles(text.mesh, w / 2 - 10, h / 2 - 10)).toBe(pictureTriangles(plain.mesh, w / 2 - 10, h / 2 - 10));
  });

  it('raised letters stand the relief above the frame, heavier by the letters', async () => {
    const plain = await make({});
    const text = await make({ frameText: 'Family 2026', frameTextStyle: 'raised', frameTextSide: 'top' });
    const r = text.report;
    expect(r.manifold).toBe(true);
    expect(r.parts).toBe(1);
    expect(r.boundingBoxMm.size[0]).toBeCloseTo(plain.report.boundingBoxMm.size[0], 1);
    expect(r.boundingBoxMm.size[1]).toBeCloseTo(plain.report.boundingBoxMm.size[1], 1);
    expect(r.boundingBoxMm.size[2]).toBeCloseTo(plain.report.boundingBoxMm.size[2] + FRAME_TEXT.reliefMm, 2);
    const area = r.frameText?.letterAreaMm2 ?? 0;
    expect(Math.abs(r.volumeMm3 - plain.report.volumeMm3 - area * FRAME_TEXT.reliefMm) / (area * FRAME_TEXT.reliefMm)).toBeLessThan(0.03);
    // Above the frame only the letters are cut, and only in the top band.
    expect(Math.abs(sectionArea(text.mesh, 4.5) - area) / area).toBeLessThan(0.03);
    const above = text.mesh.positions.filter((_, i) => i % 3 === 1 && text.mesh.positions[i + 1] > 4.5);
    expect(Math.min(...above)).toBeGreaterThan(r.boundingBoxMm.size[1] / 2 - 10);
  });

  it('a lithophane without a frame gets the default frame for its text', async () => {
    const params = resolveImageParams({ ...BASE, frameMm: 0, frameText: 'Ada' });
    expect(params.frameMm).toBe(FRAME_TEXT.frameMm);
    expect(resolveImageParams({ ...BASE, frameMm: 0, frameText: '   ' }).frameText).toBeUndefined();
  });

  it('letters too tall for the band shrink to fit it, with a warning', async () => {
    const r = (await make({ frameText: 'Ada', frameTextMm: 12 })).report;
    expect(r.parts).toBe(1);
    expect(r.frameText?.letterMm).toBeLessThan(8);
    expect(r.warnings.join(' ')).toMatch(/frame text shrunk to [\d.]+ mm letters \(from 12 mm\)/);
  });

  it('a long line shrinks to the frame’s length, with a warning', async () => {
    const r = (await make({ frameMm: 14, frameText: 'Summer by the lake 2026' })).report;
    expect(r.parts).toBe(1);
    expect(r.warnings.join(' ')).toMatch(/frame text shrunk to [\d.]+ mm letters .*length/);
  });

  it('a frame too narrow for legible letters is refused with a clear error', async () => {
    const error = await make({ frameMm: 5, frameText: 'Family 2026' }).catch((e: unknown) => e);
    expect(isPipelineError(error) && error.code).toBe('invalid_parameters');
    expect((error as Error).message).toMatch(/at least 4 mm/);
  });

  it('with a stand the text keeps clear of the foot, and the default frame grows by what the foot hides', async () => {
    const params = resolveImageParams({ ...BASE, frameMm: 0, frameText: 'Family 2026', stand: true });
    expect(params.frameMm).toBe(FRAME_TEXT.frameMm + 3);
    const r = (await runImagePipeline(photo, params, deps)).report;
    expect(r.manifold).toBe(true);
    expect(r.parts).toBe(1);
    expect(r.frameText?.letterMm).toBeGreaterThanOrEqual(FRAME_TEXT.minLetterMm);
    // On the default 10 mm frame, 3 mm of it in the foot leave too little band for these letters.
    await expect(make({ frameText: 'Family 2026', stand: true })).rejects.toThrow(/3 mm of it in the stand's foot/);
  });
});

describe('frame text on curved lithophanes', () => {
  it('arc: bent round the frame, one solid, same size', async () => {
    const plain = await make({ shape: 'arc' });
    const text = await make({ shape: 'arc', frameText: 'Family 2026' });
    expect(text.report.manifold).toBe(true);
    expect(text.report.parts).toBe(1);
    for (let i = 0; i < 3; i++) expect(Math.abs(text.report.boundingBoxMm.size[i] - plain.report.boundingBoxMm.size[i])).toBeLessThan(0.5);
    const area = text.report.frameText?.letterAreaMm2 ?? 0;
    const lost = plain.report.volumeMm3 - text.report.volumeMm3;
    // The letters are cut into a curved band: their volume is within a few per cent of area x depth.
    expect(Math.abs(lost - area * FRAME_TEXT.reliefMm) / (area * FRAME_TEXT.reliefMm)).toBeLessThan(0.06);
  });

  it('cylinder: raised letters on the top band', async () => {
    const plain = await make({ shape: 'cylinder', widthMm: undefined, diameterMm: 60 });
    const text = await make({
      shape: 'cylinder',
      widthMm: undefined,
      diameterMm: 60,
      frameText: 'Lamp',
      frameTextSide: 'top',
      frameTextStyle: 'raised',
    });
    expect(text.report.manifold).toBe(true);
    expect(text.report.parts).toBe(1);
    expect(text.report.volumeMm3).toBeGreaterThan(plain.report.volumeMm3);
    expect(Math.abs(text.report.boundingBoxMm.size[2] - plain.report.boundingBoxMm.size[2])).toBeLessThan(0.5);
  });
});

describe('frame text parameters', () => {
  const refused = (input: Record<string, unknown>) => {
    try {
      resolveImageParams(input);
    } catch (error) {
      if (isPipelineError(error) && error.code === 'invalid_parameters') return error.message;
    }
    return undefined;
  };

  it('is refused on shapes and modes without a frame band', () => {
    expect(refused({ mode: 'lithophane', shape: 'heart', frameText: 'Ada' })).toMatch(/not on a heart lithophane/);
    expect(refused({ mode: 'lithophane', shape: 'globe', frameText: 'Ada' })).toMatch(/frameText/);
    expect(refused({ mode: 'relief', frameText: 'Ada' })).toMatch(/not on mode relief/);
  });

  it('is one line of at most 60 characters the font has', () => {
    expect(refused({ frameText: 'x'.repeat(61) })).toMatch(/frameText has at most 60 characters/);
    expect(refused({ frameText: 'Ada\nLovelace' })).toMatch(/one line/);
    expect(refused({ frameText: 'Tea 🍵' })).toMatch(/no letter for "🍵"/);
    expect(refused({ frameText: 'x'.repeat(60) })).toBeUndefined();
    expect(refused({ frameText: 'Zoë & Søren 2026' })).toBeUndefined();
  });

  it('engraving needs a frame thick enough to keep a floor', () => {
    expect(refused({ frameText: 'Ada', frameThicknessMm: 1.5 })).toMatch(/frameThicknessMm of at least 2/);
    expect(refused({ frameText: 'Ada', frameThicknessMm: 1.5, frameTextStyle: 'raised' })).toBeUndefined();
  });

  it('letters under the legible minimum are refused', () => {
    expect(refused({ frameText: 'Ada', frameTextMm: 3 })).toMatch(/frameTextMm must be a number from 4/);
  });

  it('the bundled font coverage table matches the font file', () => {
    const font = readTrueType(new Uint8Array(readFileSync(new URL('../../src/fonts/NotoSans-Bold.ttf', import.meta.url))));
    for (const [first, last] of BUNDLED_FONT_RANGES) {
      expect(font.glyphIndex(first)).not.toBe(0);
      expect(font.glyphIndex(last)).not.toBe(0);
      expect(font.glyphIndex(last + 1)).toBe(0);
    }
    expect(missingFromBundledFont('Ω Ж é')).toEqual([]);
    expect(font.glyphIndex(0x4e2d)).toBe(0);
    expect(missingFromBundledFont('中')).toEqual(['中']);
  });
});
