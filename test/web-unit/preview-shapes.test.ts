/**
 * The live preview's shaped lithophanes (web/app/three/preview-shapes.ts) have the shape's outline
 * and curvature: a globe is a sphere of its diameter, a dome a cap of its width and angle, a
 * night-light a square box, a heart wide at the lobes and narrow at its point.
 */
import { describe, expect, it } from 'vitest';
import { shapedPoint } from '../../web/app/three/preview-shapes.ts';

const SIZE = { widthMm: 100, heightMm: 80, diameterMm: 120, arcDegrees: 120 };
const grid = (f: (u: number, v: number) => void) => {
  for (let i = 0; i <= 20; i++) for (let j = 0; j <= 20; j++) f(i / 20, j / 20);
};

describe('preview shapes', () => {
  it('puts a globe on a sphere of its diameter, open at the bottom', () => {
    let lowest = Infinity;
    grid((u, v) => {
      const [x, y, z] = shapedPoint('globe', SIZE, u, v, 0);
      expect(Math.hypot(x, y, z)).toBeCloseTo(60, 6);
      lowest = Math.min(lowest, z);
    });
    expect(lowest).toBeGreaterThan(-60); // the opening
    expect(lowest).toBeLessThan(-40);
  });

  it('puts a dome on a cap as wide as asked, rising in the middle', () => {
    const centre = shapedPoint('dome', SIZE, 0.5, 0.5, 0);
    const edge = shapedPoint('dome', SIZE, 1, 0.5, 0);
    expect(edge[0]).toBeCloseTo(50, 6); // half the width at the cap's rim
    expect(centre[2] - edge[2]).toBeCloseTo((100 / 2 / Math.sin(Math.PI / 3)) * (1 - Math.cos(Math.PI / 3)), 6);
  });

  it('puts a night-light on the four walls of a square box', () => {
    grid((u, v) => {
      const [x, y] = shapedPoint('nightlight', SIZE, u, v, 0);
      expect(Math.max(Math.abs(x), Math.abs(y))).toBeCloseTo(50, 6);
    });
  });

  it('gives a heart wide lobes and a narrow point', () => {
    const width = (v: number) => shapedPoint('heart', SIZE, 1, v, 0)[0] - shapedPoint('heart', SIZE, 0, v, 0)[0];
    expect(width(0.35)).toBeGreaterThan(80);
    expect(width(0.97)).toBeLessThan(20);
    expect(width(0.35)).toBeLessThanOrEqual(100);
  });
});
