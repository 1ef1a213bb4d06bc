/**
 * Closed polygon rings as the extrude stage passes them around: a list of [x, y] points, the last
 * point NOT repeated, in a y-up frame. Outer boundaries run counter-clockwise (positive area),
 * holes clockwise (negative area) — the convention manifold-3d's `'Positive'` fill rule expects.
 */
export type Point = [number, number];
export type Ring = Point[];

export interface Bounds2D {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Shoelace formula: positive for counter-clockwise rings in a y-up frame. */
export function signedArea(ring: readonly Point[]): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    twice += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return twice / 2;
}

export function ringsBounds(rings: readonly (readonly Point[])[]): Bounds2D {
  const b: Bounds2D = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x < b.minX) b.minX = x;
      if (y < b.minY) b.minY = y;
      if (x > b.maxX) b.maxX = x;
      if (y > b.maxY) b.maxY = y;
    }
  }
  return b;
}

/** Perimeter of a closed ring. */
export function ringLength(ring: readonly Point[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += Math.hypot(ring[i][0] - ring[j][0], ring[i][1] - ring[j][1]);
  }
  return sum;
}

export function scaleRings(rings: readonly Ring[], scale: number, dx = 0, dy = 0): Ring[] {
  return rings.map((ring) => ring.map(([x, y]): Point => [(x + dx) * scale, (y + dy) * scale]));
}
