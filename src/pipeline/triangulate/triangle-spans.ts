/**
 * Row spans of the grid samples inside a closed triangle with integer vertices: for each row y in
 * [firstRow, firstRow + rows) the samples x in [spans[2k], spans[2k+1]] (empty when start > end).
 *
 * Edge crossings are stepped row by row with an integer DDA (quotient and remainder of
 * x0 + dx·t / dy), so floor/ceil are exact without a division per row: samples lying on an edge are
 * always included — both neighbours measure them, none is ever skipped. (Per-row divisions cost
 * ~250 ns per small triangle; the DDA is several times cheaper.)
 */
export interface SpanBuffer {
  spans: Int32Array;
  firstRow: number;
  rows: number;
}

export function createSpanBuffer(height: number): SpanBuffer {
  return { spans: new Int32Array(2 * Math.max(1, height)), firstRow: 0, rows: 0 };
}

export function triangleSpans(out: SpanBuffer, x0: number, y0: number, x1: number, y1: number, x2: number, y2: number): void {
  // Sort the vertices by row: (ax, ay) top, (bx, by) middle, (cx, cy) bottom.
  let ax = x0,
    ay = y0,
    bx = x1,
    by = y1,
    cx = x2,
    cy = y2,
    s = 0;
  if (ay > by) {
    s = ax;
    ax = bx;
    bx = s;
    s = ay;
    ay = by;
    by = s;
  }
  if (by > cy) {
    s = bx;
    bx = cx;
    cx = s;
    s = by;
    by = cy;
    cy = s;
  }
  if (ay > by) {
    s = ax;
    ax = bx;
    bx = s;
    s = ay;
    ay = by;
    by = s;
  }

  const spans = out.spans;
  out.firstRow = ay;
  out.rows = cy - ay + 1;

  // Long edge a-c spans every row (longDy > 0 for any non-degenerate triangle).
  const longDy = cy - ay;
  const longStep = Math.floor((cx - ax) / longDy);
  const longRest = cx - ax - longStep * longDy;
  let longQ = ax;
  let longR = 0;
  // The middle vertex left of the long edge puts the short edges on the left.
  const shortIsLeft = (bx - ax) * longDy - (cx - ax) * (by - ay) < 0;

  let k = 0;
  for (let half = 0; half < 2; half++) {
    // Upper half: rows ay..by-1 along a-b. Lower half: rows by..cy along b-c (a flat bottom is the
    // single row by, where the crossing is bx itself).
    const sx = half === 0 ? ax : bx;
    const dy = half === 0 ? by - ay : cy - by || 1;
    const dx = half === 0 ? bx - ax : cy === by ? 0 : cx - bx;
    const rows = half === 0 ? by - ay : cy - by + 1;
    const shortStep = Math.floor(dx / dy);
    const shortRest = dx - shortStep * dy;
    let shortQ = sx;
    let shortR = 0;
    for (let r = 0; r < rows; r++, k += 2) {
      if (shortIsLeft) {
        spans[k] = shortR > 0 ? shortQ + 1 : shortQ;
        spans[k + 1] = longQ;
      } else {
        spans[k] = longR > 0 ? longQ + 1 : longQ;
        spans[k + 1] = shortQ;
      }
      shortQ += shortStep;
      shortR += shortRest;
      if (shortR >= dy) {
        shortR -= dy;
        shortQ++;
      }
      longQ += longStep;
      longR += longRest;
      if (longR >= longDy) {
        longR -= longDy;
        longQ++;
      }
    }
  }
}
