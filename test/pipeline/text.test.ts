/**
 * Text mode (issue 15): typed text in the bundled OFL font as a nameplate, a sign and a keychain —
 * strict manifold, one part, size in mm, counters kept (the hole of an "o") — and a corrupt font is
 * one stable error, never another exception.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ManifoldToplevel } from 'manifold-3d';
import { sharedManifold } from '../../wasm/manifold.ts';
import { countParts } from '../../src/pipeline/analyze/count-parts.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import { boundingBox, boxSize } from '../../src/pipeline/mesh.ts';
import { flattenContour, layoutText } from '../../src/pipeline/text/layout.ts';
import { buildTextSolid } from '../../src/pipeline/text/text-solid.ts';
import { readTrueType } from '../../src/pipeline/text/truetype.ts';
import { signedArea } from '../../src/pipeline/extrude/ring.ts';
import { countEdgeDefects, validateSolid } from '../../src/pipeline/validate.ts';

const FONT = new Uint8Array(readFileSync(new URL('../../src/fonts/NotoSans-Bold.ttf', import.meta.url)));
let wasm: ManifoldToplevel;
beforeAll(async () => {
  wasm = await sharedManifold();
});

function printable(mesh: Parameters<typeof validateSolid>[0]) {
  expect(countEdgeDefects(mesh)).toEqual({ open: 0, overused: 0 });
  const check = validateSolid(mesh, wasm);
  expect(check.manifold).toBe(true);
  expect(countParts(check.mesh)).toBe(1);
  return check;
}

describe('TrueType reader', () => {
  it('maps characters to glyphs with outlines; an "o" has an outer contour and a counter', () => {
    const font = readTrueType(FONT);
    expect(font.unitsPerEm).toBe(1000);
    const o = font.glyphIndex('o'.codePointAt(0)!);
    expect(o).toBeGreaterThan(0);
    const contours = font.contours(o).map((c) => flattenContour(c, 1));
    expect(contours).toHaveLength(2);
    const areas = contours.map(signedArea).sort((a, b) => Math.abs(b) - Math.abs(a));
    // Opposite windings: the counter is a hole.
    expect(Math.sign(areas[0])).toBe(-Math.sign(areas[1]));
    expect(font.advance(o)).toBeGreaterThan(300);
    expect(font.contours(font.glyphIndex(32))).toEqual([]); // space
  });

  it('lays text out to the asked width', () => {
    const rings = layoutText(readTrueType(FONT), 'Hello', { widthMm: 60, toleranceMm: 0.05, lineSpacing: 1.25 });
    const xs = rings.flat().map((p) => p[0]);
    // Side bearings: the ink is a little narrower than the advance widths.
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(55);
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThanOrEqual(60);
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)],
    ['a truncated font', FONT.slice(0, 2000)],
    ['a PNG', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])],
  ])('%s is font_corrupt', (_name, bytes) => {
    let caught: unknown;
    try {
      const font = readTrueType(bytes);
      font.contours(font.glyphIndex(65));
    } catch (error) {
      caught = error;
    }
    expect(isPipelineError(caught) && caught.code).toBe('font_corrupt');
  });

  it('a font with a corrupted glyph table is font_corrupt when the glyph is read', () => {
    const broken = FONT.slice();
    // Scribble over the middle of the file (glyph data), leaving the directory intact.
    for (let i = broken.length / 2; i < broken.length / 2 + 20_000; i++) broken[i] = 0xff;
    let caught: unknown;
    try {
      const font = readTrueType(broken);
      for (const ch of 'The quick brown fox jumps over the lazy dog 0123456789') font.contours(font.glyphIndex(ch.codePointAt(0)!));
    } catch (error) {
      caught = error;
    }
    if (caught !== undefined) expect(isPipelineError(caught) && caught.code).toBe('font_corrupt');
  });
});

describe('text solids', () => {
  it('nameplate: letters on a bordered plate, the asked width plus margin and border', () => {
    const mesh = buildTextSolid(FONT, 'Ada Lovelace', wasm, { style: 'nameplate', widthMm: 80, marginMm: 3, borderMm: 1.5 });
    const check = printable(mesh);
    const size = boxSize(boundingBox(check.mesh));
    // Ink width is a little under 80 (side bearings): 80 + 2 × (3 + 1.5) at most.
    expect(size[0]).toBeGreaterThan(80 + 9 - 2);
    expect(size[0]).toBeLessThanOrEqual(89 + 0.01);
    expect(size[2]).toBeCloseTo(2 + 1.6, 4);
  });

  it('sign: two lines and a screw hole at each end (genus 2 plus the letters’ counters)', () => {
    const mesh = buildTextSolid(FONT, 'PLEASE\nKNOCK', wasm, { style: 'sign', widthMm: 100 });
    const check = printable(mesh);
    // Two holes through the plate; the counters of P, A, O, K... are raised letters, not holes.
    expect(check.genus).toBe(2);
  });

  it('keychain: one piece with a ring, letters far apart joined', () => {
    const mesh = buildTextSolid(FONT, 'I  L', wasm, { style: 'keychain', widthMm: 40, keychainPosition: 'left' });
    const check = printable(mesh);
    expect(check.genus).toBe(1);
    const size = boxSize(boundingBox(check.mesh));
    expect(size[0]).toBeGreaterThan(40 + 4);
  });

  it('text with no visible characters is nothing_to_extrude', () => {
    let caught: unknown;
    try {
      buildTextSolid(FONT, '   ', wasm, {});
    } catch (error) {
      caught = error;
    }
    expect(isPipelineError(caught) && caught.code).toBe('nothing_to_extrude');
  });
});
