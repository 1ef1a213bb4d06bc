import { describe, expect, it } from 'vitest';
import { traceContours } from '../../src/pipeline/extrude/contours.ts';
import { scaleRings, signedArea } from '../../src/pipeline/extrude/ring.ts';
import type { Point, Ring } from '../../src/pipeline/extrude/ring.ts';
import { simplifyRing, simplifyRings } from '../../src/pipeline/extrude/simplify.ts';
import { antiAliasedDisc, letterO } from '../helpers/logo-fixtures.ts';

function distanceToRing(p: Point, ring: Ring): number {
  let best = Infinity;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i],
      b = ring[(i + 1) % ring.length];
    const dx = b[0] - a[0],
      dy = b[1] - a[1];
    const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy));
  }
  return best;
}

describe('simplifyRing', () => {
  it('keeps every dropped point within the tolerance and removes most points of a smooth outline', () => {
    // 0.25 mm per pixel: a disc of radius 100 px is 25 mm.
    const [ring] = scaleRings(traceContours(antiAliasedDisc(100)), 0.25);
    const tolerance = 0.05;
    const simplified = simplifyRing(ring, tolerance);
    expect(simplified.length).toBeLessThan(ring.length / 4);
    for (const p of ring) expect(distanceToRing(p, simplified)).toBeLessThanOrEqual(tolerance + 1e-9);
    expect(signedArea(simplified) / signedArea(ring)).toBeGreaterThan(0.995);
  });

  it('never collapses a ring below 3 points', () => {
    const sliver: Ring = [
      [0, 0],
      [5, 0.001],
      [10, 0],
      [5, -0.001],
    ];
    const out = simplifyRing(sliver, 1);
    expect(out.length).toBe(3);
    expect(
      simplifyRing(
        [
          [0, 0],
          [1, 0],
          [0, 1],
        ],
        10,
      ),
    ).toHaveLength(3);
  });

  it('keeps the corners of a square and drops collinear points', () => {
    const square: Ring = [];
    for (let i = 0; i < 10; i++) square.push([i, 0]);
    for (let i = 0; i < 10; i++) square.push([10, i]);
    for (let i = 10; i > 0; i--) square.push([i, 10]);
    for (let i = 10; i > 0; i--) square.push([0, i]);
    const out = simplifyRing(square, 0.01);
    expect(out).toHaveLength(4);
    expect(signedArea(out)).toBeCloseTo(100, 9);
  });
});

describe('simplifyRings', () => {
  it('keeps hole orientation and drops specks below the minimum area', () => {
    const rings = scaleRings(traceContours(letterO(48)), 0.5);
    const speck: Ring = [
      [100, 100],
      [100.2, 100],
      [100.2, 100.2],
      [100, 100.2],
    ];
    const out = simplifyRings([...rings, speck], { tolerance: 0.05, minArea: 0.16 });
    expect(out).toHaveLength(2);
    expect(out.map((r) => Math.sign(signedArea(r))).sort()).toEqual([-1, 1]);
  });
});
