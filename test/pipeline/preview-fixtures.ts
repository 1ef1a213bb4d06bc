/** Closed test solids for the preview tests and bench, built directly (no WASM needed). */
import type { Mesh } from '../../src/pipeline/mesh.ts';

/** An axis-aligned box from `min` to `max`, 12 triangles, CCW from outside, shared corners. */
export function boxMesh(min: [number, number, number], max: [number, number, number]): Mesh {
  const [x0, y0, z0] = min;
  const [x1, y1, z1] = max;
  const positions = new Float32Array([
    x0,
    y0,
    z0,
    x1,
    y0,
    z0,
    x1,
    y1,
    z0,
    x0,
    y1,
    z0, // bottom 0..3
    x0,
    y0,
    z1,
    x1,
    y0,
    z1,
    x1,
    y1,
    z1,
    x0,
    y1,
    z1, // top 4..7
  ]);
  const indices = new Uint32Array([
    0,
    2,
    1,
    0,
    3,
    2, // bottom (-Z)
    4,
    5,
    6,
    4,
    6,
    7, // top (+Z)
    0,
    1,
    5,
    0,
    5,
    4, // front (-Y)
    2,
    3,
    7,
    2,
    7,
    6, // back (+Y)
    3,
    0,
    4,
    3,
    4,
    7, // left (-X)
    1,
    2,
    6,
    1,
    6,
    5, // right (+X)
  ]);
  return { positions, indices };
}

/**
 * A closed heightfield block: top z = f(u, v) over an n×n grid (u, v in 0..1) spanning `size` mm,
 * flat bottom at z = 0, four walls; about 4n² triangles, CCW from outside.
 */
export function heightfieldSolid(n: number, size: number, f: (u: number, v: number) => number): Mesh {
  const top = (i: number, j: number) => j * n + i;
  const bot = (i: number, j: number) => n * n + j * n + i;
  const positions = new Float32Array(2 * n * n * 3);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const u = i / (n - 1),
        v = j / (n - 1);
      const t = top(i, j) * 3,
        b = bot(i, j) * 3;
      positions[t] = u * size;
      positions[t + 1] = v * size;
      positions[t + 2] = f(u, v);
      positions[b] = u * size;
      positions[b + 1] = v * size;
      positions[b + 2] = 0;
    }
  }
  const quads = (n - 1) * (n - 1);
  const indices = new Uint32Array(quads * 12 + (n - 1) * 24);
  let k = 0;
  const tri = (a: number, b: number, c: number) => {
    indices[k++] = a;
    indices[k++] = b;
    indices[k++] = c;
  };
  for (let j = 0; j < n - 1; j++) {
    for (let i = 0; i < n - 1; i++) {
      const a = top(i, j),
        b = top(i + 1, j),
        c = top(i + 1, j + 1),
        d = top(i, j + 1);
      tri(a, b, c);
      tri(a, c, d);
      const A = bot(i, j),
        B = bot(i + 1, j),
        C = bot(i + 1, j + 1),
        D = bot(i, j + 1);
      tri(A, C, B);
      tri(A, D, C);
    }
  }
  const e = n - 1;
  for (let s = 0; s < n - 1; s++) {
    tri(bot(s, 0), bot(s + 1, 0), top(s + 1, 0));
    tri(bot(s, 0), top(s + 1, 0), top(s, 0)); // front, -Y
    tri(bot(s, e), top(s + 1, e), bot(s + 1, e));
    tri(bot(s, e), top(s, e), top(s + 1, e)); // back, +Y
    tri(bot(0, s), top(0, s + 1), bot(0, s + 1));
    tri(bot(0, s), top(0, s), top(0, s + 1)); // left, -X
    tri(bot(e, s), bot(e, s + 1), top(e, s + 1));
    tri(bot(e, s), top(e, s + 1), top(e, s)); // right, +X
  }
  return { positions, indices };
}

/** A bumpy relief: waves plus a dome, 3..9 mm thick. */
export function bumpyRelief(n: number, size = 60): Mesh {
  return heightfieldSolid(
    n,
    size,
    (u, v) => 4 + 1.2 * Math.sin(u * 25) * Math.cos(v * 19) + 2.5 * Math.exp(-((u - 0.5) ** 2 + (v - 0.5) ** 2) * 18),
  );
}
