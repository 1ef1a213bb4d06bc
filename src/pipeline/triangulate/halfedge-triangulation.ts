/**
 * A planar triangulation of integer grid points stored as flat typed arrays (delaunator/delatin
 * layout): triangle t owns half-edges 3t, 3t+1, 3t+2; `halfedges[e]` is the twin half-edge or -1 on
 * the rectangle's border. Triangle slots are reused when a triangle is split or flipped, so the
 * count only grows (by 2 per interior insertion, 1 per border insertion) and per-triangle data kept
 * elsewhere (errors, candidates, heap positions) stays indexed by slot.
 *
 * Every slot that is written is recorded once in `touched`, so the caller re-measures exactly
 * the triangles that changed after an insertion and its Delaunay flips — nothing else.
 *
 * Internal orientation: orient(a, b, c) > 0 for every triangle (clockwise with y up, i.e.
 * counter-clockwise on screen where rows go down). `triangulateGreedy` reverses it on output.
 * Orientation and in-circle tests are exact in doubles for grids up to ~4096 on a side.
 */
export class HalfedgeTriangulation {
  coords: Int32Array;
  pointCount = 0;
  triangles: Int32Array;
  halfedges: Int32Array;
  triangleCount = 0;

  /** Slots written since the last `clearTouched()`, each once. */
  touched: Int32Array;
  touchedCount = 0;
  private touchedMark: Uint8Array;

  constructor(expectedTriangles: number) {
    const capacity = Math.max(16, expectedTriangles | 0);
    this.coords = new Int32Array(capacity + 8);
    this.triangles = new Int32Array(capacity * 3);
    this.halfedges = new Int32Array(capacity * 3);
    this.touched = new Int32Array(64);
    this.touchedMark = new Uint8Array(capacity);
  }

  /** Capacity in triangles; grows by doubling. Callers keeping per-slot data watch this. */
  get triangleCapacity(): number {
    return this.touchedMark.length;
  }

  clearTouched(): void {
    const touched = this.touched;
    const mark = this.touchedMark;
    for (let i = 0; i < this.touchedCount; i++) mark[touched[i]] = 0;
    this.touchedCount = 0;
  }

  addPoint(x: number, y: number): number {
    if (2 * this.pointCount + 2 > this.coords.length) this.coords = grow(this.coords, this.coords.length * 2);
    const i = this.pointCount++;
    this.coords[2 * i] = x;
    this.coords[2 * i + 1] = y;
    return i;
  }

  /** The two triangles of the rectangle spanned by four corner points. */
  initRectangle(topLeft: number, topRight: number, bottomLeft: number, bottomRight: number): void {
    const t0 = this.setTriangle(bottomRight, topLeft, bottomLeft, -1, -1, -1, -1);
    this.setTriangle(topLeft, bottomRight, topRight, t0, -1, -1, -1);
  }

  /**
   * Inserts point `p` lying in the closed triangle `t` (inside or on one of its edges; it must not
   * coincide with a vertex) and restores the Delaunay property by edge flips.
   */
  insertInTriangle(p: number, t: number): void {
    const coords = this.coords;
    const tris = this.triangles;
    const e0 = 3 * t;
    const p0 = tris[e0];
    const p1 = tris[e0 + 1];
    const p2 = tris[e0 + 2];
    const ax = coords[2 * p0],
      ay = coords[2 * p0 + 1];
    const bx = coords[2 * p1],
      by = coords[2 * p1 + 1];
    const cx = coords[2 * p2],
      cy = coords[2 * p2 + 1];
    const px = coords[2 * p],
      py = coords[2 * p + 1];

    if (orient(ax, ay, bx, by, px, py) === 0) this.splitEdge(p, e0);
    else if (orient(bx, by, cx, cy, px, py) === 0) this.splitEdge(p, e0 + 1);
    else if (orient(cx, cy, ax, ay, px, py) === 0) this.splitEdge(p, e0 + 2);
    else {
      const h0 = this.halfedges[e0];
      const h1 = this.halfedges[e0 + 1];
      const h2 = this.halfedges[e0 + 2];
      const t0 = this.setTriangle(p0, p1, p, h0, -1, -1, e0);
      const t1 = this.setTriangle(p1, p2, p, h1, -1, t0 + 1, -1);
      const t2 = this.setTriangle(p2, p0, p, h2, t0 + 2, t1 + 1, -1);
      this.legalize(t0);
      this.legalize(t1);
      this.legalize(t2);
    }
  }

  /** Triangles added by inserting a point at (x, y): 1 on the border, 2 elsewhere. */
  trianglesAddedAt(x: number, y: number, width: number, height: number): number {
    return x === 0 || y === 0 || x === width - 1 || y === height - 1 ? 1 : 2;
  }

  /**
   * Walks from triangle `start` to the triangle containing (x, y). Returns the triangle, or
   * -(vertex + 1) when (x, y) already is a vertex.
   */
  locate(x: number, y: number, start: number): number {
    const coords = this.coords;
    const tris = this.triangles;
    let t = start;
    for (let steps = 0; steps < 4 * this.triangleCount + 16; steps++) {
      let moved = false;
      for (let k = 0; k < 3; k++) {
        const e = 3 * t + ((k + steps) % 3); // rotate the first edge so walks cannot cycle
        const a = tris[e];
        const b = tris[nextHalfedge(e)];
        if (orient(coords[2 * a], coords[2 * a + 1], coords[2 * b], coords[2 * b + 1], x, y) < 0) {
          const twin = this.halfedges[e];
          if (twin < 0) throw new Error(`triangulate: point (${x}, ${y}) lies outside the grid`);
          t = (twin / 3) | 0;
          moved = true;
          break;
        }
      }
      if (!moved) {
        for (let k = 0; k < 3; k++) {
          const v = tris[3 * t + k];
          if (coords[2 * v] === x && coords[2 * v + 1] === y) return -(v + 1);
        }
        return t;
      }
    }
    throw new Error('triangulate: point location did not terminate');
  }

  // Split the edge `a` (and its twin, if any) at point `pn` lying on it.
  private splitEdge(pn: number, a: number): void {
    const tris = this.triangles;
    const a0 = a - (a % 3);
    const al = a0 + ((a + 1) % 3);
    const ar = a0 + ((a + 2) % 3);
    const p0 = tris[ar];
    const pr = tris[a];
    const pl = tris[al];
    const hal = this.halfedges[al];
    const har = this.halfedges[ar];
    const b = this.halfedges[a];

    if (b < 0) {
      const t0 = this.setTriangle(pn, p0, pr, -1, har, -1, a0);
      const t1 = this.setTriangle(p0, pn, pl, t0, -1, hal, -1);
      this.legalize(t0 + 1);
      this.legalize(t1 + 2);
      return;
    }

    const b0 = b - (b % 3);
    const bl = b0 + ((b + 2) % 3);
    const br = b0 + ((b + 1) % 3);
    const p1 = tris[bl];
    const hbl = this.halfedges[bl];
    const hbr = this.halfedges[br];

    const t0 = this.setTriangle(p0, pr, pn, har, -1, -1, a0);
    const t1 = this.setTriangle(pr, p1, pn, hbr, -1, t0 + 1, b0);
    const t2 = this.setTriangle(p1, pl, pn, hbl, -1, t1 + 1, -1);
    const t3 = this.setTriangle(pl, p0, pn, hal, t0 + 2, t2 + 1, -1);
    this.legalize(t0);
    this.legalize(t1);
    this.legalize(t2);
    this.legalize(t3);
  }

  // Flip edge `a` if the opposite vertex lies inside the circumcircle, then recurse on the two
  // edges that became exposed (Lawson's algorithm; the border is never flipped).
  private legalize(a: number): void {
    const b = this.halfedges[a];
    if (b < 0) return;
    const tris = this.triangles;
    const coords = this.coords;
    const a0 = a - (a % 3);
    const b0 = b - (b % 3);
    const al = a0 + ((a + 1) % 3);
    const ar = a0 + ((a + 2) % 3);
    const bl = b0 + ((b + 2) % 3);
    const br = b0 + ((b + 1) % 3);
    const p0 = tris[ar];
    const pr = tris[a];
    const pl = tris[al];
    const p1 = tris[bl];

    if (
      !inCircle(
        coords[2 * p0],
        coords[2 * p0 + 1],
        coords[2 * pr],
        coords[2 * pr + 1],
        coords[2 * pl],
        coords[2 * pl + 1],
        coords[2 * p1],
        coords[2 * p1 + 1],
      )
    )
      return;

    const hal = this.halfedges[al];
    const har = this.halfedges[ar];
    const hbl = this.halfedges[bl];
    const hbr = this.halfedges[br];
    const t0 = this.setTriangle(p0, p1, pl, -1, hbl, hal, a0);
    const t1 = this.setTriangle(p1, p0, pr, t0, har, hbr, b0);
    this.legalize(t0 + 1);
    this.legalize(t1 + 2);
  }

  // Write triangle (a, b, c) with twins (ab, bc, ca) into half-edge slot `e` (or a new slot when
  // e < 0); returns its first half-edge.
  private setTriangle(a: number, b: number, c: number, ab: number, bc: number, ca: number, e: number): number {
    if (e < 0) {
      if (this.triangleCount >= this.triangleCapacity) this.growTriangles();
      e = 3 * this.triangleCount++;
    }
    const tris = this.triangles;
    const half = this.halfedges;
    tris[e] = a;
    tris[e + 1] = b;
    tris[e + 2] = c;
    half[e] = ab;
    half[e + 1] = bc;
    half[e + 2] = ca;
    if (ab >= 0) half[ab] = e;
    if (bc >= 0) half[bc] = e + 1;
    if (ca >= 0) half[ca] = e + 2;

    const t = (e / 3) | 0;
    if (this.touchedMark[t] === 0) {
      this.touchedMark[t] = 1;
      if (this.touchedCount === this.touched.length) this.touched = grow(this.touched, this.touched.length * 2);
      this.touched[this.touchedCount++] = t;
    }
    return e;
  }

  private growTriangles(): void {
    const capacity = this.triangleCapacity * 2;
    this.triangles = grow(this.triangles, capacity * 3);
    this.halfedges = grow(this.halfedges, capacity * 3);
    const mark = new Uint8Array(capacity);
    mark.set(this.touchedMark);
    this.touchedMark = mark;
  }
}

function nextHalfedge(e: number): number {
  return e % 3 === 2 ? e - 2 : e + 1;
}

function grow(array: Int32Array, length: number): Int32Array {
  const bigger = new Int32Array(length);
  bigger.set(array);
  return bigger;
}

/** Twice the signed area of (a, b, c), delatin's sign convention. Exact for integer input. */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - cx) * (ay - cy) - (by - cy) * (ax - cx);
}

function inCircle(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, px: number, py: number): boolean {
  const dx = ax - px;
  const dy = ay - py;
  const ex = bx - px;
  const ey = by - py;
  const fx = cx - px;
  const fy = cy - py;
  const ap = dx * dx + dy * dy;
  const bp = ex * ex + ey * ey;
  const cp = fx * fx + fy * fy;
  return dx * (ey * cp - bp * fy) - dy * (ex * cp - bp * fx) + ap * (ex * fy - ey * fx) < 0;
}
