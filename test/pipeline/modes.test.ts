import { beforeAll, describe, expect, it } from 'vitest';
import type { ManifoldToplevel } from 'manifold-3d';
import { sharedManifold } from '../../wasm/manifold.ts';
import { buildRelief } from '../../src/pipeline/modes/relief.ts';
import { buildLithophane } from '../../src/pipeline/modes/lithophane.ts';
import { thicknessFromBrightness } from '../../src/pipeline/modes/thickness.ts';
import { triangulateGreedy } from '../../src/pipeline/triangulate/greedy.ts';
import { validateSolid } from '../../src/pipeline/validate.ts';
import { boundingBox, boxSize } from '../../src/pipeline/mesh.ts';
import { constantMap, gradientMap, photoMap, terrainMap } from '../helpers/grids.ts';

let wasm: ManifoldToplevel;
beforeAll(async () => {
  wasm = await sharedManifold();
});

const pitch = 0.5;

describe('relief', () => {
  it('a constant grey picture is a box of the analytic volume', () => {
    const map = constantMap(81, 41, 0.5);
    const r = buildRelief(map, pitch, triangulateGreedy, { baseMm: 2, minHeightMm: 0, maxHeightMm: 3 });
    const check = validateSolid(r.mesh, wasm);
    const size = boxSize(boundingBox(r.mesh));
    expect(size[0]).toBeCloseTo(40, 4);
    expect(size[1]).toBeCloseTo(20, 4);
    expect(size[2]).toBeCloseTo(3.5, 4);
    expect(check.volumeMm3).toBeCloseTo(40 * 20 * 3.5, 1);
    expect(check.genus).toBe(0);
    expect(r.surfaceTriangles).toBe(2);
  });

  it('a terrain stays within the error bound and the triangle budget', () => {
    const map = terrainMap(200, 150);
    const r = buildRelief(map, pitch, triangulateGreedy, { maxErrorMm: 0.05, maxTriangles: 100_000 });
    const check = validateSolid(r.mesh, wasm);
    expect(check.manifold).toBe(true);
    expect(r.achievedErrorMm).toBeLessThanOrEqual(0.05);
    expect(check.triangles).toBeLessThanOrEqual(100_000);
    expect(check.triangles).toBeLessThan(200 * 150 * 2 * 0.5);
    const size = boxSize(boundingBox(r.mesh));
    expect(size[0]).toBeCloseTo(199 * pitch, 3);
    expect(size[2]).toBeGreaterThan(1.5 + 2.9);
  });

  it('a tight triangle budget is respected even when the error bound cannot be met', () => {
    const r = buildRelief(photoMap(120, 90), pitch, triangulateGreedy, { maxErrorMm: 0.001, maxTriangles: 3000 });
    expect(validateSolid(r.mesh, wasm).triangles).toBeLessThanOrEqual(3000);
  });

  it('invert swaps high and low', () => {
    const map = gradientMap(50, 20);
    const normal = buildRelief(map, pitch, triangulateGreedy, {});
    const inverted = buildRelief(map, pitch, triangulateGreedy, { invert: true });
    // Left edge: dark. Normal is low there, inverted is high.
    expect(normal.heights[0]).toBeLessThan(inverted.heights[0]);
    expect(validateSolid(inverted.mesh, wasm).volumeMm3).toBeCloseTo(validateSolid(normal.mesh, wasm).volumeMm3, 1);
  });
});

describe('lithophane', () => {
  it('thickness falls as brightness rises, from max to min', () => {
    const t = thicknessFromBrightness(gradientMap(256, 1), {
      minThicknessMm: 0.8,
      maxThicknessMm: 3.2,
      attenuationPerMm: 0.9,
      curve: 'transmission',
    });
    expect(t[0]).toBeCloseTo(3.2, 3);
    expect(t[255]).toBeCloseTo(0.8, 3);
    for (let i = 1; i < 256; i++) expect(t[i]).toBeLessThanOrEqual(t[i - 1] + 1e-6);
  });

  it('flat: a uniform picture is a slab', () => {
    const r = buildLithophane(constantMap(101, 61, 1), pitch, triangulateGreedy, { shape: 'flat', minThicknessMm: 0.8 });
    const check = validateSolid(r.mesh, wasm);
    expect(check.volumeMm3).toBeCloseTo(50 * 30 * 0.8, 1);
    const size = boxSize(boundingBox(r.mesh));
    expect(size[0]).toBeCloseTo(50, 4);
    expect(size[1]).toBeCloseTo(30, 4);
  });

  it('flat with a frame adds a border at the frame thickness', () => {
    const r = buildLithophane(constantMap(101, 61, 1), pitch, triangulateGreedy, { shape: 'flat', frameMm: 5, frameThicknessMm: 4 });
    const size = boxSize(boundingBox(r.mesh));
    expect(size[0]).toBeCloseTo(60, 3);
    expect(size[2]).toBeCloseTo(4, 4);
    // A white picture is 0.8 mm thick: 3.2 mm below the frame, with a one-sample ramp between.
    const ramp = 0.5 * pitch * 3.2 * 2 * (50 + pitch + 30 + pitch);
    const exact = 60 * 40 * 4 - 50 * 30 * 3.2 - ramp;
    expect(Math.abs(validateSolid(r.mesh, wasm).volumeMm3 - exact) / exact).toBeLessThan(0.005);
  });

  it('arc: a uniform picture is an annular sector within the error bound', () => {
    const widthMm = 100;
    const r = buildLithophane(constantMap(201, 61, 0), pitch, triangulateGreedy, { shape: 'arc', arcDegrees: 120, maxErrorMm: 0.05 });
    const check = validateSolid(r.mesh, wasm);
    const angle = (2 * Math.PI) / 3;
    const R = widthMm / angle;
    const t = 3.2;
    const exact = (angle / 2) * ((R + t) ** 2 - R ** 2) * 30;
    expect(Math.abs(check.volumeMm3 - exact) / exact).toBeLessThan(0.01);
    expect(r.achievedErrorMm).toBeLessThanOrEqual(0.05);
    expect(check.genus).toBe(0);
  });

  it('cylinder: closed, genus 1, annulus volume, diameter from the width', () => {
    const circumference = 120;
    const columns = circumference / pitch;
    const r = buildLithophane(constantMap(columns, 81, 0), pitch, triangulateGreedy, { shape: 'cylinder', maxErrorMm: 0.05 });
    const check = validateSolid(r.mesh, wasm);
    expect(check.genus).toBe(1);
    const R = circumference / (2 * Math.PI);
    const exact = Math.PI * ((R + 3.2) ** 2 - R ** 2) * 40;
    expect(Math.abs(check.volumeMm3 - exact) / exact).toBeLessThan(0.01);
    const size = boxSize(boundingBox(r.mesh));
    expect(size[0]).toBeGreaterThan(2 * (R + 3.2) - 0.1);
    expect(size[0]).toBeLessThanOrEqual(2 * (R + 3.2) + 1e-3);
    expect(size[2]).toBeCloseTo(40, 4);
  });

  it('cylinder of a photo stays manifold and within the bound', () => {
    const r = buildLithophane(photoMap(240, 80), pitch, triangulateGreedy, { shape: 'cylinder', maxErrorMm: 0.1 });
    const check = validateSolid(r.mesh, wasm);
    expect(check.genus).toBe(1);
    expect(r.achievedErrorMm).toBeLessThanOrEqual(0.1);
  });
});
