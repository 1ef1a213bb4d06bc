/**
 * Issue 16, image modes: the printability verdict and thin-feature map, thickening extrusions to the
 * nozzle, and the subject-outline cut for reliefs and flat lithophanes. Through runImagePipeline with
 * the real codec (sharp) and manifold-3d; widths are measured on the output's cross-section.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import sharp from 'sharp';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { nodePipelineDeps } from '../../src/node/pipeline-deps.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import type { PipelineDeps, PipelineResult } from '../../src/pipeline/run-pipeline.ts';
import { runImagePipeline } from '../../src/pipeline/run-pipeline.ts';
import { handwritingPng } from '../../bench/printable/pictures.ts';
import { concatChunks } from '../helpers/read-back.ts';

// Whole pictures through the pipeline on a shared 2-core machine: minutes, not the default minute.
vi.setConfig({ testTimeout: 300_000 });

let deps: PipelineDeps;
let wasm: ManifoldToplevel;
beforeAll(async () => {
  deps = await nodePipelineDeps();
  wasm = deps.manifold;
});

/** A grey picture (0 black .. 255 white) from a per-pixel rule, as PNG. */
async function greyPng(width: number, height: number, grey: (x: number, y: number) => number): Promise<Uint8Array> {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = grey(x, y);
  return new Uint8Array(
    await sharp(data, { raw: { width, height, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

/** 1-pixel lines (horizontal, vertical, diagonal) of a line drawing `width` x `height`. */
function onLine(x: number, y: number, width: number, height: number): boolean {
  const h = y % 60 === 30 && x > 20 && x < width - 20;
  const v = x % 90 === 45 && y > 10 && y < height - 10;
  const d = Math.abs(x - y * 2) === 0 && y > 10 && y < height - 10;
  return h || v || d;
}

/** A line drawing: 1-pixel black lines on white, hard edges; `block` adds a solid 100 px square. */
function lineDrawing(width: number, height: number, block = false): Promise<Uint8Array> {
  return greyPng(width, height, (x, y) => {
    if (block && x >= 100 && x < 200 && y >= 100 && y < 200) return 0;
    return onLine(x, y, width, height) ? 0 : 255;
  });
}

/** Every directed edge once and its twin once: a closed, consistently wound 2-manifold, by our own count. */
function expectStrictSolid(mesh: Mesh): void {
  const t = mesh.indices;
  const directed = new Set<string>();
  for (let i = 0; i < t.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const key = `${t[i + k]},${t[i + ((k + 1) % 3)]}`;
      expect(directed.has(key), `edge ${key} used twice the same way`).toBe(false);
      directed.add(key);
    }
  }
  for (const key of directed) {
    const [a, b] = key.split(',');
    expect(directed.has(`${b},${a}`), `edge ${key} has no twin`).toBe(true);
  }
}

/** Share of a cross-section's area an opening with a disc `diameterMm` wide removes: 0 when every part is at least that wide. */
function narrowShare(mesh: Mesh, z: number, diameterMm: number): { areaMm2: number; narrow: number } {
  const solid = new wasm.Manifold(new wasm.Mesh({ numProp: 3, vertProperties: mesh.positions, triVerts: mesh.indices }));
  const section = solid.slice(z);
  const inner = section.offset(-diameterMm / 2, 'Round', 2, 32);
  const opened = inner.offset(diameterMm / 2, 'Round', 2, 32);
  const areaMm2 = section.area();
  const narrow = (areaMm2 - opened.area()) / areaMm2;
  for (const o of [opened, inner, section, solid]) o.delete();
  return { areaMm2, narrow };
}

function artifact(result: PipelineResult, name: string): Uint8Array | undefined {
  const a = result.artifacts.find((x) => x.name === name);
  return a && concatChunks(a.chunks());
}

describe('extrusion: verdict, thin-feature map and thickening', () => {
  it('a 1-px line drawing is not printable without thickening, and says why', async () => {
    const png = await lineDrawing(800, 300);
    const params = resolveImageParams({ mode: 'extrude', widthMm: 100 });
    expect(params.thickenToNozzle).toBe(false);
    const result = await runImagePipeline(png, params, deps);
    const p = result.report.printability;
    expect(p.printable).toBe(false);
    expect(p.thinAreaShare).toBeGreaterThan(0.8);
    expect(p.minFeatureWidthMm).toBeLessThan(0.2);
    expect(p.reasons.join(' ')).toMatch(/narrower than the 0.4 mm nozzle/);
    const map = artifact(result, 'thin-features.png');
    expect(map).toBeDefined();
    const { data, info } = await sharp(map!).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBeGreaterThanOrEqual(800);
    // The lines are marked red (thin), nothing is ink-grey: every stroke is under the nozzle.
    let red = 0;
    let grey = 0;
    for (let i = 0; i < data.length; i += 3) {
      if (data[i] === 220 && data[i + 1] === 30) red++;
      if (data[i] === 70 && data[i + 1] === 70) grey++;
    }
    expect(red).toBeGreaterThan(1000);
    expect(grey).toBe(0);
  });

  it('with thickenToNozzle every part of the output is at least a nozzle wide, measured on a cross-section', async () => {
    const png = await lineDrawing(800, 300);
    const thin = await runImagePipeline(png, resolveImageParams({ mode: 'extrude', widthMm: 100 }), deps);
    const thick = await runImagePipeline(png, resolveImageParams({ mode: 'extrude', widthMm: 100, thickenToNozzle: true }), deps);
    expectStrictSolid(thick.mesh);
    expect(thick.report.manifold).toBe(true);
    expect(Math.abs(thick.report.boundingBoxMm.size[0] - 100)).toBeLessThan(0.5);
    // An opening with a disc 0.9 nozzle wide removes (almost) nothing: no part is narrower.
    const before = narrowShare(thin.mesh, 1.5, 0.36);
    const after = narrowShare(thick.mesh, 1.5, 0.36);
    expect(before.narrow).toBeGreaterThan(0.5);
    expect(after.narrow).toBeLessThan(0.03);
    const p = thick.report.printability;
    expect(p.thinAreaShare).toBeLessThan(0.05);
    expect(p.minFeatureWidthMm).toBeGreaterThanOrEqual(0.4);
    expect(p.thickenedAreaMm2).toBeGreaterThan(0);
    expect(p.vanishedInkShare).toBe(0);
    expect(p.printable).toBe(true);
    expect(thick.report.warnings.join(' ')).toMatch(/widened: [\d.]+ mm² added/);
  });

  it('strokes thinner than the sampling step: counted and warned about, kept with thickening', async () => {
    // 3200 px wide: the trace grid (1600 px) averages two pixels into one, and a 1-px line turns grey.
    const png = await lineDrawing(3200, 400, true);
    const lost = await runImagePipeline(png, resolveImageParams({ mode: 'extrude', widthMm: 150, basePlateMm: 1 }), deps);
    expect(lost.report.printability.vanishedInkShare).toBeGreaterThan(0.5);
    expect(lost.report.warnings.join(' ')).toMatch(/thinner than the [\d.]+ mm sampling step and vanished/);
    const kept = await runImagePipeline(png, resolveImageParams({ mode: 'extrude', widthMm: 150, thickenToNozzle: true }), deps);
    expect(kept.report.printability.vanishedInkShare).toBe(0);
    expect(kept.report.warnings.join(' ')).not.toMatch(/vanished/);
    // Every line is there: the section is at least the lines' length times the nozzle, plus the block.
    const mmPerPixel = 150 / 3200;
    const section = narrowShare(kept.mesh, 1.5, 0.36);
    expect(section.narrow).toBeLessThan(0.03);
    let linePixels = 0;
    for (let y = 0; y < 400; y++)
      for (let x = 0; x < 3200; x++) if (onLine(x, y, 3200, 400) && !(x >= 100 && x < 200 && y >= 100 && y < 200)) linePixels++;
    const blockMm2 = (100 * mmPerPixel) ** 2;
    expect(section.areaMm2).toBeGreaterThan(blockMm2 + 0.9 * linePixels * mmPerPixel * 0.4);
  });

  it('thickenToNozzle is on by default for keychains and cookie cutters, off for plain extrusions', () => {
    expect(resolveImageParams({ mode: 'extrude' }).thickenToNozzle).toBe(false);
    expect(resolveImageParams({ mode: 'extrude', keychain: true }).thickenToNozzle).toBe(true);
    expect(resolveImageParams({ mode: 'extrude', cookieCutter: true }).thickenToNozzle).toBe(true);
    expect(resolveImageParams({ mode: 'extrude', keychain: true, thickenToNozzle: false }).thickenToNozzle).toBe(false);
  });
});

describe('relief and lithophane: verdict fields', () => {
  it('a lithophane taller than the bed is not printable, and the report says so', async () => {
    const png = await greyPng(13, 169, (x, y) => (x * 7 + y) % 255);
    const result = await runImagePipeline(png, resolveImageParams({ mode: 'lithophane', previews: false }), deps);
    const p = result.report.printability;
    expect(result.report.boundingBoxMm.size[1]).toBeGreaterThan(1000);
    expect(p.fitsBuildVolume).toBe(false);
    expect(p.printable).toBe(false);
    expect(p.reasons.join(' ')).toMatch(/does not fit the 220 × 220 × 250 mm build volume/);
  });

  it('a relief reports its base as the thinnest wall, its bed contact and overhang', async () => {
    const png = await greyPng(200, 100, (x) => x);
    const result = await runImagePipeline(png, resolveImageParams({ mode: 'relief', widthMm: 60, previews: false }), deps);
    const p = result.report.printability;
    expect(p.printable).toBe(true);
    expect(p.minFeatureWidthMm).toBeCloseTo(1.5, 1);
    expect(p.bedContact.areaMm2).toBeGreaterThan(0.95 * 60 * 30);
    expect(p.overhang.areaMm2).toBe(0);
    expect(p.fitsBuildVolume).toBe(true);
  });

  it('an arc lithophane thinner than the nozzle is not printable', async () => {
    const png = await greyPng(120, 80, (x) => Math.min(255, x * 3));
    const params = resolveImageParams({
      mode: 'lithophane',
      shape: 'arc',
      widthMm: 60,
      minThicknessMm: 0.3,
      nozzleMm: 0.4,
      previews: false,
    });
    const result = await runImagePipeline(png, params, deps);
    expect(result.report.printability.minFeatureWidthMm).toBeLessThan(0.4);
    expect(result.report.printability.reasons.join(' ')).toMatch(/thinnest wall is 0.3 mm/);
  });
});

describe('subject-outline cut', () => {
  it('handwriting on a transparency becomes its strokes, not a blank plate', async () => {
    const png = await handwritingPng();
    // 240 mm at 0.2 mm: 1,201 samples for 1,600 pixels, so the strokes' area is close to the picture's own.
    const { data, info } = await sharp(png).extractChannel('alpha').raw().toBuffer({ resolveWithObject: true });
    let opaque = 0;
    for (const a of data) if (a >= 128) opaque++;
    const mmPerPixel = 240 / info.width;
    const strokesMm2 = opaque * mmPerPixel * mmPerPixel;
    const height = 1.5 + 3 * ((0.2126 * 0x10 + 0.7152 * 0x18 + 0.0722 * 0x30) / 255); // base + the ink's brightness
    // Without a nozzle (no thickening, no smoothing) the solid is the strokes, within 10%.
    const bare = await runImagePipeline(png, resolveImageParams({ mode: 'relief', widthMm: 240, nozzleMm: 0, previews: false }), deps);
    expect(Math.abs(bare.report.volumeMm3 - strokesMm2 * height) / (strokesMm2 * height)).toBeLessThan(0.1);
    const result = await runImagePipeline(png, resolveImageParams({ mode: 'relief', widthMm: 240, previews: false }), deps);
    const r = result.report;
    expectStrictSolid(result.mesh);
    expect(r.manifold).toBe(true);
    expect(r.parts).toBe(1);
    expect(r.outlineCut?.source).toBe('alpha');
    const plate = r.boundingBoxMm.size[0] * r.boundingBoxMm.size[1] * height;
    expect(r.volumeMm3).toBeLessThan(plate / 3);
    // With the 0.4 mm nozzle: the strokes and what thickening added (the report says how much), within 10%.
    const thickened = r.printability.thickenedAreaMm2 ?? 0;
    expect(thickened).toBeGreaterThan(0);
    const expected = (strokesMm2 + thickened) * height;
    expect(Math.abs(r.volumeMm3 - expected) / expected).toBeLessThan(0.1);
    expect(r.triangles).toBeLessThanOrEqual(400_000);
  });

  it('a flat lithophane of the same picture is cut too; outline none keeps the plate', async () => {
    const png = await handwritingPng();
    const cut = await runImagePipeline(png, resolveImageParams({ mode: 'lithophane', widthMm: 100, previews: false }), deps);
    const whole = await runImagePipeline(
      png,
      resolveImageParams({ mode: 'lithophane', widthMm: 100, outline: 'none', previews: false }),
      deps,
    );
    expectStrictSolid(cut.mesh);
    expect(cut.report.parts).toBe(1);
    expect(cut.report.volumeMm3).toBeLessThan(whole.report.volumeMm3 / 2);
    expect(whole.report.outlineCut).toBeUndefined();
  });

  it('a background colour: a black disc on white is cut to the disc', async () => {
    const png = await greyPng(400, 300, (x, y) => ((x - 200) ** 2 + (y - 150) ** 2 < 100 ** 2 ? 0 : 255));
    const params = resolveImageParams({ mode: 'relief', widthMm: 40, outline: 'colour', backgroundColour: '#ffffff', previews: false });
    const result = await runImagePipeline(png, params, deps);
    const r = result.report;
    expectStrictSolid(result.mesh);
    // The footprint is the disc (radius 10 mm): its grey anti-aliased rim stays, at its own height.
    const disc = Math.PI * 10 ** 2;
    expect(Math.abs(r.printability.bedContact.areaMm2 - disc) / disc).toBeLessThan(0.05);
    expect(r.boundingBoxMm.size[0]).toBeCloseTo(20, 0);
    expect(r.boundingBoxMm.size[1]).toBeCloseTo(20, 0);
    expect(r.parts).toBe(1);
  });

  it('an outline cut of a curved lithophane is refused as a parameter problem', () => {
    try {
      resolveImageParams({ mode: 'lithophane', shape: 'arc', outline: 'alpha' });
      expect.unreachable();
    } catch (error) {
      expect(isPipelineError(error) && error.code).toBe('invalid_parameters');
    }
    expect(() => resolveImageParams({ mode: 'relief', backgroundColour: 'white' })).toThrow(/#rrggbb/);
  });
});
