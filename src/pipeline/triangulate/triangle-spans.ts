/**
 * Row spans of the grid samples inside a closed triangle with integer vertices: for each row y in
 * [firstRow, firstRow + rows) the samples x in [spans[2k], spans[2k+1]] (empty when start > end).
 *
 * Edge crossings are computed per row as exact integer ratios (numerators stay below 2^53 and a
 * non-integer quotient can never round onto an integer for grids this size), so samples lying on an
 * edge are always included — both neighbours measure them, none is ever skipped.
 */
export interface SpanBuffer {
  spans: Int32Array;
  firstRow: number;
  rows: number;
}

export function createSpanBuffer(height: number): SpanBuffer {
  return { spans: new Int32Array(2 * Math.max(1, height)), firstRow: 0, rows: 0 };
}

export function triangleSpans(
  out: SpanBuffer, x0: number, y0: number, x1: number, y1: number, x2: number, y2: number,
): void {
  // Sort the vertices by row: (ax, ay) top, (bx, by) middle, (cx, cy) bottom.
  let ax = x0, ay = y0, bx = x1, by = y1, cx = x2, cy = y2, s = 0;
  if (ay > by) { s = ax; ax = bx; bx = s; s = ay; ay = by; by = s; }
  if (by > cy) { s = bx; bx = cx; cx = s; s = by; by = cy; cy = s; }
  if (ay > by) { s = ax; ax = bx; bx = s; s = ay; ay = by; by = s; }

  const spans = out.spans;
  out.firstRow = ay;
  out.rows = cy - ay + 1;
  const longDx = cx - ax;
  const longDy = cy - ay; // > 0 for any non-degenerate triangle
  let k = 0;

  // Upper part: rows ay..by-1 lie between the long edge a-c and the edge a-b.
  const upperDx = bx - ax;
  const upperDy = by - ay;
  for (let y = ay; y < by; y++, k += 2) {
    const t = y - ay;
    const xLong = ax + (longDx * t) / longDy;
    const xShort = ax + (upperDx * t) / upperDy;
    if (xLong < xShort) {
      spans[k] = Math.ceil(xLong);
      spans[k + 1] = Math.floor(xShort);
    } else {
      spans[k] = Math.ceil(xShort);
      spans[k + 1] = Math.floor(xLong);
    }
  }

  // Lower part: rows by..cy lie between the long edge and the edge b-c (row by crosses it at bx).
  const lowerDx = cx - bx;
  const lowerDy = cy - by;
  for (let y = by; y <= cy; y++, k += 2) {
    const xLong = ax + (longDx * (y - ay)) / longDy;
    const xShort = lowerDy === 0 ? bx : bx + (lowerDx * (y - by)) / lowerDy;
    if (xLong < xShort) {
      spans[k] = Math.ceil(xLong);
      spans[k + 1] = Math.floor(xShort);
    } else {
      spans[k] = Math.ceil(xShort);
      spans[k + 1] = Math.floor(xLong);
    }
  }
}
