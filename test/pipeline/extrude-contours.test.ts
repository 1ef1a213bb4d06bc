import { describe, expect, it } from 'vitest';
import { subjectMask, traceContours } from '../../src/pipeline/extrude/contours.ts';
import { ringsBounds, signedArea } from '../../src/pipeline/extrude/ring.ts';
import type { Ring } from '../../src/pipeline/extrude/ring.ts';
import {
  alphaSquare,
  antiAliasedDisc,
  blank,
  figureEight,
  filledRectangle,
  letterB,
  letterO,
  renderInk,
} from '../helpers/logo-fixtures.ts';

const areas = (rings: Ring[]) => rings.map(signedArea);
const outers = (rings: Ring[]) => rings.filter((r) => signedArea(r) > 0).length;
const holes = (rings: Ring[]) => rings.filter((r) => signedArea(r) < 0).length;
const totalArea = (rings: Ring[]) => areas(rings).reduce((a, b) => a + b, 0);

/** True if no two non-adjacent edges of the rings cross or touch (O(n²), small fixtures only). */
function ringsAreSimpleAndDisjoint(rings: Ring[]): boolean {
  const segments: [number, number, number, number, number, number][] = [];
  rings.forEach((ring, r) =>
    ring.forEach((p, i) => {
      const q = ring[(i + 1) % ring.length];
      segments.push([p[0], p[1], q[0], q[1], r, i]);
    }),
  );
  const cross = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) => (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  for (let a = 0; a < segments.length; a++) {
    for (let b = a + 1; b < segments.length; b++) {
      const [x1, y1, x2, y2, ra, ia] = segments[a];
      const [x3, y3, x4, y4, rb, ib] = segments[b];
      if (ra === rb) {
        const n = rings[ra].length;
        if (Math.abs(ia - ib) === 1 || Math.abs(ia - ib) === n - 1) continue; // neighbours share a point
      }
      const d1 = cross(x3, y3, x4, y4, x1, y1),
        d2 = cross(x3, y3, x4, y4, x2, y2);
      const d3 = cross(x1, y1, x2, y2, x3, y3),
        d4 = cross(x1, y1, x2, y2, x4, y4);
      if (d1 === 0 && d2 === 0) {
        // Collinear: they only meet if their extents along the line overlap.
        const ux = x2 - x1,
          uy = y2 - y1;
        const t3 = (x3 - x1) * ux + (y3 - y1) * uy,
          t4 = (x4 - x1) * ux + (y4 - y1) * uy;
        const len = ux * ux + uy * uy;
        if (Math.max(t3, t4) >= 0 && Math.min(t3, t4) <= len) return false;
        continue;
      }
      if (d1 * d2 <= 0 && d3 * d4 <= 0) return false;
    }
  }
  return true;
}

describe('traceContours', () => {
  it('outlines a hard-edged rectangle on the pixel borders, counter-clockwise, y up', () => {
    const rings = traceContours(filledRectangle(40, 20, 5));
    expect(rings).toHaveLength(1);
    // Marching squares cuts each corner by a 1/8 px² triangle.
    expect(signedArea(rings[0])).toBeCloseTo(40 * 20 - 4 / 8, 6);
    const b = ringsBounds(rings);
    expect([b.minX, b.maxX, b.minY, b.maxY]).toEqual([5, 45, 5, 25]);
  });

  it('puts row 0 at the top: ink in the top rows has the largest y', () => {
    const map = renderInk(10, 10, (x, y) => y < 3 && x > 2 && x < 8);
    const b = ringsBounds(traceContours(map));
    expect(b.maxY).toBe(10);
    expect(b.minY).toBe(7);
  });

  it('keeps the inside of an "O" as a clockwise hole', () => {
    const rings = traceContours(letterO(48));
    expect(rings).toHaveLength(2);
    expect(outers(rings)).toBe(1);
    expect(holes(rings)).toBe(1);
    const expected = Math.PI * ((48 * 0.42) ** 2 - (48 * 0.22) ** 2);
    expect(totalArea(rings)).toBeGreaterThan(expected * 0.99);
    expect(totalArea(rings)).toBeLessThan(expected * 1.01);
  });

  it('finds both holes of an "8" and of a "B"', () => {
    for (const map of [figureEight(40), letterB(4)]) {
      const rings = traceContours(map);
      expect(outers(rings)).toBe(1);
      expect(holes(rings)).toBe(2);
      expect(ringsAreSimpleAndDisjoint(rings)).toBe(true);
    }
  });

  it('places anti-aliased edges sub-pixel: a disc encloses π r² within 0.5 %', () => {
    const r = 30;
    const rings = traceContours(antiAliasedDisc(r));
    expect(rings).toHaveLength(1);
    expect(Math.abs(totalArea(rings) / (Math.PI * r * r) - 1)).toBeLessThan(0.005);
    // Not a staircase: points lie off the half-pixel lattice.
    const offLattice = rings[0].filter(
      ([x, y]) => Math.abs(x * 2 - Math.round(x * 2)) > 0.01 || Math.abs(y * 2 - Math.round(y * 2)) > 0.01,
    );
    expect(offLattice.length).toBeGreaterThan(0);
  });

  it('resolves diagonal saddles consistently: touching corners join into one simple ring', () => {
    // Ink at (0,0) and (1,1), paper at (1,0) and (0,1), inside a white border.
    const map = renderInk(4, 4, (x, y) => (x >= 1 && x < 2 && y >= 1 && y < 2) || (x >= 2 && x < 3 && y >= 2 && y < 3));
    const rings = traceContours(map);
    expect(rings).toHaveLength(1);
    expect(signedArea(rings[0])).toBeGreaterThan(0);
    expect(ringsAreSimpleAndDisjoint(rings)).toBe(true);
    // Paper on the diagonal: the two paper pixels inside an ink frame stay separate holes.
    const frame = renderInk(6, 6, (x, y) => {
      const inside = x >= 1 && x < 5 && y >= 1 && y < 5;
      const paper = (x >= 2 && x < 3 && y >= 2 && y < 3) || (x >= 3 && x < 4 && y >= 3 && y < 4);
      return inside && !paper;
    });
    const frameRings = traceContours(frame);
    expect(outers(frameRings)).toBe(1);
    expect(holes(frameRings)).toBe(2);
  });

  it('closes shapes that touch the picture edge', () => {
    const map = { width: 8, height: 5, values: new Float32Array(40) };
    const rings = traceContours(map);
    expect(rings).toHaveLength(1);
    expect(signedArea(rings[0])).toBeCloseTo(40 - 0.5, 6);
  });

  it('uses the alpha mask when there is one, and invert otherwise', () => {
    const rings = traceContours(alphaSquare(24, 6));
    expect(rings).toHaveLength(1);
    expect(signedArea(rings[0])).toBeCloseTo(24 * 24 - 0.5, 6);

    const white = blank(10, 10);
    expect(traceContours(white)).toHaveLength(0);
    const inverted = traceContours(white, { invert: true });
    expect(inverted).toHaveLength(1);
    expect(subjectMask(white, { invert: true }).every((v) => v === 1)).toBe(true);
  });

  it('respects the threshold', () => {
    const map = { width: 3, height: 1, values: new Float32Array([0.2, 0.45, 0.7]) };
    expect([...subjectMask(map)]).toEqual([1, 1, 0]);
    expect([...subjectMask(map, { threshold: 0.3 })]).toEqual([1, 0, 0]);
  });
});
