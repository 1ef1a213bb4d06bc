/**
 * Cell masks for the logo preview: a distance transform (Borgefors' 3-4 chamfer, exact along the
 * axes, within 8% on diagonals; the bounding box of a dilation, which sets the printed size, is
 * exact), hole filling, connected parts, the convex hull of a mask's corners, and a cell mask
 * turned into a closed prism (top and bottom as row runs, walls along the mask's edge).
 */
export interface Grid {
  cols: number;
  rows: number;
}

/** Distance of every cell from the nearest set cell, in cells (0 inside). */
export function distanceFrom(mask: Uint8Array, g: Grid): Float32Array {
  const { cols, rows } = g;
  const d = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) d[i] = mask[i] ? 0 : 1e9;
  const relax = (i: number, j: number, di: number, dj: number, cost: number) => {
    const x = i + di,
      y = j + dj;
    if (x < 0 || y < 0 || x >= cols || y >= rows) return;
    const v = d[y * cols + x] + cost;
    if (v < d[j * cols + i]) d[j * cols + i] = v;
  };
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < cols; i++) {
      relax(i, j, -1, 0, 3), relax(i, j, 0, -1, 3), relax(i, j, -1, -1, 4), relax(i, j, 1, -1, 4);
    }
  for (let j = rows - 1; j >= 0; j--)
    for (let i = cols - 1; i >= 0; i--) {
      relax(i, j, 1, 0, 3), relax(i, j, 0, 1, 3), relax(i, j, 1, 1, 4), relax(i, j, -1, 1, 4);
    }
  for (let i = 0; i < d.length; i++) d[i] /= 3;
  return d;
}

/** The cells within `cells` of the mask. */
export function dilate(mask: Uint8Array, g: Grid, cells: number): Uint8Array {
  if (cells <= 0) return mask.slice();
  const d = distanceFrom(mask, g);
  return Uint8Array.from(d, (v) => (v <= cells ? 1 : 0));
}

/** The mask with every hole (empty cells not reachable from the border) filled. */
export function fillHoles(mask: Uint8Array, g: Grid): Uint8Array {
  const { cols, rows } = g;
  const outside = new Uint8Array(mask.length);
  const stack: number[] = [];
  const push = (i: number) => {
    if (!mask[i] && !outside[i]) (outside[i] = 1), stack.push(i);
  };
  for (let i = 0; i < cols; i++) push(i), push((rows - 1) * cols + i);
  for (let j = 0; j < rows; j++) push(j * cols), push(j * cols + cols - 1);
  while (stack.length > 0) {
    const c = stack.pop()!;
    const i = c % cols,
      j = (c - i) / cols;
    if (i > 0) push(c - 1);
    if (i < cols - 1) push(c + 1);
    if (j > 0) push(c - cols);
    if (j < rows - 1) push(c + cols);
  }
  return Uint8Array.from(outside, (o) => (o ? 0 : 1));
}

/** How many 4-connected pieces the mask has. */
export function countParts(mask: Uint8Array, g: Grid): number {
  const { cols, rows } = g;
  const seen = new Uint8Array(mask.length);
  let parts = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    parts++;
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const c = stack.pop()!;
      const i = c % cols,
        j = (c - i) / cols;
      for (const n of [i > 0 ? c - 1 : -1, i < cols - 1 ? c + 1 : -1, j > 0 ? c - cols : -1, j < rows - 1 ? c + cols : -1])
        if (n >= 0 && mask[n] && !seen[n]) (seen[n] = 1), stack.push(n);
    }
  }
  return parts;
}

export type Point = [number, number];

/** Convex hull (Andrew's monotone chain), counter-clockwise. */
export function convexHull(points: Point[]): Point[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Point[] = [];
  for (const q of p.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** Points around a circle, counter-clockwise. */
export function circle(cx: number, cy: number, r: number, segments: number): Point[] {
  return Array.from({ length: segments }, (_, k): Point => {
    const a = (2 * Math.PI * k) / segments;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  });
}

/** The corners of the set cells that touch an empty cell or the border, in mm. */
export function edgeCorners(mask: Uint8Array, g: Grid, x: (i: number) => number, y: (j: number) => number): Point[] {
  const { cols, rows } = g;
  const out: Point[] = [];
  const at = (i: number, j: number) => i >= 0 && j >= 0 && i < cols && j < rows && mask[j * cols + i] === 1;
  for (let j = 0; j < rows; j++)
    for (let i = 0; i < cols; i++) {
      if (!at(i, j) || (at(i - 1, j) && at(i + 1, j) && at(i, j - 1) && at(i, j + 1))) continue;
      out.push([x(i), y(j)], [x(i + 1), y(j)], [x(i), y(j + 1)], [x(i + 1), y(j + 1)]);
    }
  return out;
}

/** A closed prism over the set cells from z0 to z1: flat triangles (x(i), y(j) give cell corners in mm). */
export function prism(mask: Uint8Array, g: Grid, x: (i: number) => number, y: (j: number) => number, z0: number, z1: number): number[] {
  const { cols, rows } = g;
  const out: number[] = [];
  type V = [number, number, number];
  const quad = (a: V, b: V, c: V, d: V) => out.push(...a, ...b, ...c, ...a, ...c, ...d);
  const at = (i: number, j: number) => i >= 0 && j >= 0 && i < cols && j < rows && mask[j * cols + i] === 1;
  for (let j = 0; j < rows; j++) {
    // Top and bottom: one quad per run of set cells in the row.
    for (let i = 0; i < cols; ) {
      if (!at(i, j)) {
        i++;
        continue;
      }
      let end = i;
      while (at(end + 1, j)) end++;
      const x0 = x(i),
        x1 = x(end + 1),
        yt = y(j),
        yb = y(j + 1);
      quad([x0, yb, z1], [x1, yb, z1], [x1, yt, z1], [x0, yt, z1]);
      quad([x0, yt, z0], [x1, yt, z0], [x1, yb, z0], [x0, yb, z0]);
      i = end + 1;
    }
    for (let i = 0; i < cols; i++) {
      if (!at(i, j)) continue;
      const x0 = x(i),
        x1 = x(i + 1),
        yt = y(j),
        yb = y(j + 1);
      if (!at(i, j + 1)) quad([x0, yb, z0], [x1, yb, z0], [x1, yb, z1], [x0, yb, z1]);
      if (!at(i, j - 1)) quad([x1, yt, z0], [x0, yt, z0], [x0, yt, z1], [x1, yt, z1]);
      if (!at(i - 1, j)) quad([x0, yt, z0], [x0, yb, z0], [x0, yb, z1], [x0, yt, z1]);
      if (!at(i + 1, j)) quad([x1, yb, z0], [x1, yt, z0], [x1, yt, z1], [x1, yb, z1]);
    }
  }
  return out;
}
