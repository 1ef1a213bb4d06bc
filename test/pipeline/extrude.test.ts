import { beforeAll, describe, expect, it } from 'vitest';
import type { ManifoldToplevel } from 'manifold-3d';
import { sharedManifold } from '../../wasm/manifold.ts';
import { EXTRUDE_DEFAULTS, extrudeLogo } from '../../src/pipeline/extrude/extrude.ts';
import type { ExtrudeOptions } from '../../src/pipeline/extrude/extrude.ts';
import type { KeychainPosition } from '../../src/pipeline/extrude/keychain.ts';
import { traceContours } from '../../src/pipeline/extrude/contours.ts';
import { ringLength, ringsBounds, signedArea } from '../../src/pipeline/extrude/ring.ts';
import { boundingBox, boxSize, signedVolume } from '../../src/pipeline/mesh.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import type { Heightmap } from '../../src/pipeline/heightmap.ts';
import { alphaSquare, antiAliasedDisc, blank, figureEight, filledRectangle, letterB, letterO } from '../helpers/logo-fixtures.ts';

let wasm: ManifoldToplevel;
beforeAll(async () => {
  wasm = await sharedManifold();
});

interface SolidFacts {
  size: [number, number, number];
  minZ: number;
  volume: number;
  genus: number;
  components: number;
}

/** Checks the mesh is a closed 2-manifold on its own (every directed edge once, its twin once), then asks manifold-3d. */
function inspect(mesh: Mesh): SolidFacts {
  const t = mesh.indices;
  const directed = new Map<string, number>();
  for (let i = 0; i < t.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const key = `${t[i + k]},${t[i + ((k + 1) % 3)]}`;
      directed.set(key, (directed.get(key) ?? 0) + 1);
    }
  }
  for (const [key, uses] of directed) {
    expect(uses, `edge ${key} used ${uses} times in one direction`).toBe(1);
    const [a, b] = key.split(',');
    expect(directed.has(`${b},${a}`), `edge ${key} has no twin`).toBe(true);
  }
  const rebuilt = new wasm.Manifold(new wasm.Mesh({ numProp: 3, vertProperties: mesh.positions, triVerts: mesh.indices }));
  try {
    expect(rebuilt.status()).toBe('NoError');
    const parts = rebuilt.decompose();
    const components = parts.length;
    for (const part of parts) part.delete();
    const box = boundingBox(mesh);
    const volume = signedVolume(mesh);
    expect(volume / rebuilt.volume()).toBeCloseTo(1, 4);
    return { size: boxSize(box), minZ: box.min[2], volume, genus: rebuilt.genus(), components };
  } finally {
    rebuilt.delete();
  }
}

function extrude(map: Heightmap, options: Partial<ExtrudeOptions> = {}): SolidFacts {
  return inspect(extrudeLogo(map, wasm, options));
}

const within = (actual: number, expected: number, fraction: number) => {
  expect(Math.abs(actual / expected - 1), `${actual} vs ${expected}`).toBeLessThan(fraction);
};

describe('extrudeLogo', () => {
  it('extrudes a rectangle to widthMm × aspect × heightMm, sitting on the bed', () => {
    const facts = extrude(filledRectangle(40, 20, 5), { widthMm: 80, heightMm: 2.5 });
    within(facts.size[0], 80, 0.005);
    within(facts.size[1], 40, 0.005);
    expect(facts.size[2]).toBeCloseTo(2.5, 5);
    expect(facts.minZ).toBeCloseTo(0, 6);
    expect(facts.genus).toBe(0);
    within(facts.volume, 80 * 40 * 2.5, 0.005);
  });

  it('uses the documented defaults', () => {
    const facts = extrude(filledRectangle(40, 20, 5));
    within(facts.size[0], EXTRUDE_DEFAULTS.widthMm, 0.005);
    expect(facts.size[2]).toBeCloseTo(EXTRUDE_DEFAULTS.heightMm, 5);
  });

  it('keeps the holes of "O" (genus 1), "8" and "B" (genus 2) open', () => {
    expect(extrude(letterO(48)).genus).toBe(1);
    expect(extrude(figureEight(40)).genus).toBe(2);
    expect(extrude(letterB(4)).genus).toBe(2);
  });

  it('gives an anti-aliased disc the volume π r² h', () => {
    const r = 30;
    const facts = extrude(antiAliasedDisc(r), { widthMm: 20, heightMm: 3 });
    within(facts.size[0], 20, 0.005);
    within(facts.size[1], 20, 0.005);
    within(facts.volume, Math.PI * 10 * 10 * 3, 0.01);
    expect(facts.components).toBe(1);
  });

  it('gives an "O" the volume of its annulus', () => {
    const size = 48;
    const facts = extrude(letterO(size), { widthMm: 30, heightMm: 2 });
    const mmPerPx = 30 / (2 * size * 0.42);
    within(facts.volume, Math.PI * ((size * 0.42) ** 2 - (size * 0.22) ** 2) * mmPerPx ** 2 * 2, 0.01);
  });

  it('takes the subject from the alpha mask when there is one', () => {
    const facts = extrude(alphaSquare(24, 6), { widthMm: 24, heightMm: 1 });
    within(facts.size[1], 24, 0.005);
    within(facts.volume, 24 * 24, 0.005);
  });

  it('throws nothing_to_extrude for a blank picture, and inverts on request', () => {
    const error = (() => {
      try {
        extrudeLogo(blank(), wasm);
      } catch (e) {
        return e;
      }
    })();
    expect(isPipelineError(error) && error.code).toBe('nothing_to_extrude');
    const whole = extrude(blank(32, 24), { invert: true, widthMm: 32 });
    within(whole.size[1], 24, 0.005);
  });

  it('throws nothing_to_extrude when only specks below the minimum feature size are left', () => {
    const map = filledRectangle(2, 2, 30); // 2 px square in a 62 px picture
    expect(() => extrudeLogo(map, wasm, { widthMm: 0.2, minFeatureAreaMm2: 0.16 })).toThrow(/nothing to extrude/);
  });

  it('rejects nonsense options with invalid_parameters', () => {
    const bad: Partial<ExtrudeOptions>[] = [
      { widthMm: 0 },
      { heightMm: -1 },
      { threshold: 1.5 },
      { basePlateMm: Number.NaN },
      { keychain: { holeDiameterMm: 0 } },
      { cookieCutter: {}, keychain: {} },
      { keychain: { position: 'middle' as KeychainPosition } },
    ];
    for (const options of bad) {
      expect(() => extrudeLogo(filledRectangle(), wasm, options), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'invalid_parameters' }),
      );
    }
  });
});

describe('base plate', () => {
  it('puts an outline plate under an "O": the plate closes the hole from below', () => {
    const facts = extrude(letterO(48), { widthMm: 30, heightMm: 2, basePlateMm: 1.5, basePlateMarginMm: 2 });
    expect(facts.size[2]).toBeCloseTo(3.5, 5);
    within(facts.size[0], 34, 0.005);
    expect(facts.genus).toBe(0);
    expect(facts.components).toBe(1);
  });

  it('makes a rectangular plate of (w + 2m) × (h + 2m) × base under the logo', () => {
    const facts = extrude(filledRectangle(40, 20, 5), {
      widthMm: 40,
      heightMm: 2,
      basePlateMm: 1,
      basePlateMarginMm: 3,
      basePlateShape: 'rectangle',
    });
    within(facts.size[0], 46, 0.005);
    within(facts.size[1], 26, 0.005);
    within(facts.volume, 46 * 26 * 1 + 40 * 20 * 2, 0.005);
  });
});

describe('keychain', () => {
  it('adds exactly one hole, in one piece, on every side', () => {
    const positions: KeychainPosition[] = ['top', 'bottom', 'left', 'right', 'top-left', 'top-right', 'bottom-left', 'bottom-right'];
    for (const position of positions) {
      const facts = extrude(letterO(40, false), { widthMm: 30, keychain: { position } });
      expect(facts.genus, position).toBe(2);
      expect(facts.components, position).toBe(1);
    }
  });

  it('puts the tab beyond the outline: hole centre ringWidth/2 + radius out, ring radius + ringWidth', () => {
    const facts = extrude(filledRectangle(40, 20, 5), { widthMm: 40, keychain: { holeDiameterMm: 4, ringWidthMm: 2, position: 'top' } });
    expect(facts.genus).toBe(1);
    within(facts.size[1], 20 + (2 + 1) + (2 + 2), 0.005);
    within(facts.size[0], 40, 0.005);
  });

  it('cuts the hole through the plate too when there is a base plate', () => {
    const facts = extrude(filledRectangle(40, 20, 5), { widthMm: 40, basePlateMm: 1, keychain: { position: 'left' } });
    expect(facts.genus).toBe(1);
    expect(facts.components).toBe(1);
  });
});

describe('cookie cutter', () => {
  it('is an open ring wall on the outline plus a flange: genus 1, volume of wall and flange', () => {
    const wall = 0.8,
      height = 12,
      flange = 3,
      flangeHeight = 1.2;
    const facts = extrude(antiAliasedDisc(30), {
      widthMm: 40,
      cookieCutter: { wallMm: wall, heightMm: height, flangeMm: flange, flangeHeightMm: flangeHeight },
    });
    const R = 20;
    expect(facts.genus).toBe(1);
    expect(facts.components).toBe(1);
    expect(facts.size[2]).toBeCloseTo(height, 5);
    within(facts.size[0], 2 * (R + wall + flange), 0.005);
    const wallVolume = Math.PI * ((R + wall) ** 2 - R ** 2) * height;
    const flangeVolume = Math.PI * ((R + wall + flange) ** 2 - (R + wall) ** 2) * flangeHeight;
    within(facts.volume, wallVolume + flangeVolume, 0.02);
  });

  it('follows the outer outline only: an "8" gives one wall, ≈ perimeter × wall × height', () => {
    const map = figureEight(40);
    const wall = 0.8;
    const facts = extrude(map, { widthMm: 30, cookieCutter: { wallMm: wall, flangeMm: 0 } });
    expect(facts.genus).toBe(1);
    expect(facts.components).toBe(1);
    expect(facts.size[2]).toBeCloseTo(12, 5);
    // Steiner: a wall of width w outside a closed curve of length P covers P·w + π·w².
    const rings = traceContours(map);
    const outer = rings.reduce((a, b) => (signedArea(b) > signedArea(a) ? b : a));
    const b = ringsBounds([outer]);
    const perimeter = ringLength(outer) * (30 / (b.maxX - b.minX));
    within(facts.volume, (perimeter * wall + Math.PI * wall * wall) * 12, 0.03);
  });
});

describe('base plate joins separate letters', () => {
  it('two discs far apart on an outline plate become one piece', async () => {
    const wasm = await sharedManifold();
    const width = 120,
      height = 40;
    const values = new Float32Array(width * height).fill(1);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        if ((x - 20) ** 2 + (y - 20) ** 2 < 144 || (x - 100) ** 2 + (y - 20) ** 2 < 144) values[y * width + x] = 0;
      }
    const mesh = extrudeLogo({ width, height, values }, wasm, { widthMm: 60, basePlateMm: 1, basePlateMarginMm: 1 });
    const solid = new wasm.Manifold(new wasm.Mesh({ numProp: 3, vertProperties: mesh.positions, triVerts: mesh.indices }));
    try {
      const parts = solid.decompose();
      expect(parts.length).toBe(1);
      for (const p of parts) p.delete();
    } finally {
      solid.delete();
    }
  });
});
