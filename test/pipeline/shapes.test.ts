/**
 * The lithophane shapes of issue 15 — heart, dome, globe, night-light box — each a strict
 * manifold (edge uses counted, not only manifold-3d's word), one connected part, the asked size
 * within 1%, inside the triangle budget, and standing on a flat face where it should.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ManifoldToplevel } from 'manifold-3d';
import { sharedManifold } from '../../wasm/manifold.ts';
import { countParts } from '../../src/pipeline/analyze/count-parts.ts';
import { buildLithophane } from '../../src/pipeline/modes/lithophane.ts';
import type { LithophaneOptions } from '../../src/pipeline/modes/lithophane.ts';
import { finishCurved } from '../../src/pipeline/modes/curved-finish.ts';
import { cutToHeart } from '../../src/pipeline/modes/heart.ts';
import { nightLightBox } from '../../src/pipeline/modes/night-light.ts';
import { triangulateGreedy } from '../../src/pipeline/triangulate/greedy.ts';
import { countEdgeDefects, validateSolid } from '../../src/pipeline/validate.ts';
import { boundingBox, boxSize } from '../../src/pipeline/mesh.ts';
import type { Mesh } from '../../src/pipeline/mesh.ts';
import type { Heightmap } from '../../src/pipeline/heightmap.ts';
import { constantMap, photoMap } from '../helpers/grids.ts';

let wasm: ManifoldToplevel;
beforeAll(async () => {
  wasm = await sharedManifold();
});

const pitch = 0.5;

function expectPrintable(mesh: Mesh, budget: number) {
  expect(countEdgeDefects(mesh)).toEqual({ open: 0, overused: 0 });
  const check = validateSolid(mesh, wasm);
  expect(check.manifold).toBe(true);
  expect(countParts(check.mesh)).toBe(1);
  expect(check.triangles).toBeLessThanOrEqual(budget);
  return check;
}

/** Area of the faces lying on the bed (z = 0, facing down), mm². */
function bedArea(mesh: Mesh): number {
  const p = mesh.positions;
  let area = 0;
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const [a, b, c] = [mesh.indices[t], mesh.indices[t + 1], mesh.indices[t + 2]];
    if (Math.max(Math.abs(p[3 * a + 2]), Math.abs(p[3 * b + 2]), Math.abs(p[3 * c + 2])) > 1e-3) continue;
    const ux = p[3 * b] - p[3 * a],
      uy = p[3 * b + 1] - p[3 * a + 1];
    const vx = p[3 * c] - p[3 * a],
      vy = p[3 * c + 1] - p[3 * a + 1];
    area += Math.abs(ux * vy - uy * vx) / 2;
  }
  return area;
}

function lithophane(map: Heightmap, options: Partial<LithophaneOptions>) {
  return buildLithophane(map, pitch, triangulateGreedy, { maxErrorMm: 0.05, ...options });
}

describe('heart', () => {
  it('is the picture cut to a heart with a rim, as wide and high as the picture', () => {
    const plate = lithophane(photoMap(201, 181), { shape: 'heart', maxTriangles: 60_000 });
    const heart = cutToHeart(plate.mesh, wasm, { rimMm: 3, rimThicknessMm: 4 });
    const check = expectPrintable(heart, 70_000);
    const size = boxSize(boundingBox(check.mesh));
    expect(Math.abs(size[0] - 100) / 100).toBeLessThan(0.01);
    expect(Math.abs(size[1] - 90) / 90).toBeLessThan(0.01);
    expect(size[2]).toBeCloseTo(4, 3);
    // A heart fills well under the rectangle: the corners are gone.
    expect(check.volumeMm3).toBeLessThan(100 * 90 * 4 * 0.8);
  });
});

describe('dome', () => {
  it('is a spherical cap within the error bound, standing on a flat ring', () => {
    const r = lithophane(constantMap(201, 201, 0), { shape: 'dome', arcDegrees: 120, frameMm: 3, maxTriangles: 80_000 });
    expect(r.achievedErrorMm).toBeLessThanOrEqual(0.05);
    expect(r.curved).toBeDefined();
    const dome = finishCurved(r.mesh, wasm, r.curved!, 0.05);
    const check = expectPrintable(dome, 80_000);
    expect(check.genus).toBe(0);
    const box = boundingBox(check.mesh);
    expect(box.min[2]).toBeCloseTo(0, 6);
    // Picture 100 mm across the top on the inside: radius 100 / (2π/3); the inner rim is at 60°.
    const R = 100 / ((2 * Math.PI) / 3);
    const size = boxSize(box);
    expect(size[0]).toBeGreaterThan(2 * R * Math.sin(Math.PI / 3));
    expect(size[0]).toBeLessThan(2 * (R + 4) * Math.sin(Math.PI / 3) + 0.1);
    expect(Math.abs(size[0] - size[1])).toBeLessThan(0.01 * size[0]);
    expect(bedArea(check.mesh)).toBeGreaterThan(2 * Math.PI * R * Math.sin(Math.PI / 3) * 1.5);
    // A 3.2 mm shell over most of the cap: its volume is close to the cap area times the thickness.
    const capArea = 2 * Math.PI * R * R * (1 - Math.cos(Math.PI / 3));
    expect(check.volumeMm3).toBeGreaterThan(capArea * 3.2 * 0.85);
    expect(check.volumeMm3).toBeLessThan(capArea * 4.2 * 1.1);
  });
});

describe('globe', () => {
  it('is a closed sphere of the picture’s circumference with an opening at the bottom', () => {
    // 2:1 equirectangular: 400 columns × 0.5 mm = 200 mm round the equator.
    const r = lithophane(photoMap(400, 201), { shape: 'globe', openingMm: 30, frameMm: 3, maxTriangles: 150_000 });
    expect(r.achievedErrorMm).toBeLessThanOrEqual(0.05);
    const globe = finishCurved(r.mesh, wasm, r.curved!, 0.05);
    const check = expectPrintable(globe, 160_000);
    expect(check.genus).toBe(0);
    const R = 200 / (2 * Math.PI);
    const size = boxSize(boundingBox(check.mesh));
    // Widest at the equator: the outer radius there is R plus the picture's thickness (0.8..3.2 mm).
    expect(size[0]).toBeGreaterThan(2 * (R + 0.8) - 0.1);
    expect(size[0]).toBeLessThanOrEqual(2 * (R + 3.2) + 0.01);
    // Standing on the opening's flat ring: as high as the sphere above the opening's plane.
    const openingLat = Math.acos(15 / R);
    expect(size[2]).toBeGreaterThan(R * (1 + Math.sin(openingLat)));
    expect(size[2]).toBeLessThan((R + 3.2) * (1 + Math.sin(openingLat)) + 0.1);
    expect(bedArea(check.mesh)).toBeGreaterThan(0);
    // The opening is open: nothing crosses the axis at the bottom.
    const p = check.mesh.positions;
    for (let i = 0; i < p.length; i += 3) if (p[i + 2] < 1) expect(Math.hypot(p[i], p[i + 1])).toBeGreaterThan(14);
  });
});

describe('night-light box', () => {
  it('is four lithophane walls, posts and a lid in one solid', () => {
    const wall = lithophane(photoMap(121, 161), { shape: 'nightlight', maxTriangles: 20_000 });
    const box = nightLightBox(wall.mesh, wasm, { lidMm: 2, postMm: 4 });
    const check = expectPrintable(box, 4 * 20_000 + 2000);
    const size = boxSize(boundingBox(check.mesh));
    expect(Math.abs(size[0] - 68) / 68).toBeLessThan(0.01);
    expect(Math.abs(size[1] - 68) / 68).toBeLessThan(0.01);
    expect(Math.abs(size[2] - 80) / 80).toBeLessThan(0.01);
    // Open: much less than a full block, more than four plain 0.8 mm walls and the lid.
    expect(check.volumeMm3).toBeLessThan(68 * 68 * 80 * 0.3);
    expect(check.volumeMm3).toBeGreaterThan(4 * 60 * 80 * 0.8 + 68 * 68 * 2);
    expect(bedArea(check.mesh)).toBeGreaterThan(68 * 68 * 0.99);
  });
});
