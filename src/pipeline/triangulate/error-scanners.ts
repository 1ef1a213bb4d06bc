import type { ErrorMetric } from './types.ts';
import { createSpanBuffer, triangleSpans } from './triangle-spans.ts';
import type { SpanBuffer } from './triangle-spans.ts';

/**
 * Measures one triangle against the samples it covers: returns the largest deviation and leaves
 * the sample index (y * width + x) where it occurs in `candidate`. A maximum found on one of the
 * triangle's own vertices counts as 0 (it is only rounding noise), as in delatin/hmm.
 */
export interface TriangleErrorScanner {
  candidate: number;
  scan(x0: number, y0: number, x1: number, y1: number, x2: number, y2: number): number;
}

export function createErrorScanner(metric: ErrorMetric, heights: Float32Array, width: number, height: number): TriangleErrorScanner {
  if (metric.kind === 'surface') return new SurfaceErrorScanner(heights, width, height, metric.base, metric.normal);
  return metric.kind === 'cylinder'
    ? new CylinderErrorScanner(heights, width, height, metric.radius, metric.radiansPerSample)
    : new HeightErrorScanner(heights, width, height);
}

/** |z_plane - z_sample|: the plane through the three vertex heights, stepped along each row. */
export class HeightErrorScanner implements TriangleErrorScanner {
  candidate = 0;
  private readonly spanBuffer: SpanBuffer;
  private readonly heights: Float32Array;
  private readonly width: number;

  constructor(heights: Float32Array, width: number, height: number) {
    this.heights = heights;
    this.width = width;
    this.spanBuffer = createSpanBuffer(height);
  }

  scan(x0: number, y0: number, x1: number, y1: number, x2: number, y2: number): number {
    const h = this.heights;
    const w = this.width;
    const z0 = h[y0 * w + x0];
    const ex1 = x1 - x0,
      ey1 = y1 - y0,
      ex2 = x2 - x0,
      ey2 = y2 - y0;
    const dz1 = h[y1 * w + x1] - z0;
    const dz2 = h[y2 * w + x2] - z0;
    const det = ex1 * ey2 - ey1 * ex2;
    const dzdx = (dz1 * ey2 - dz2 * ey1) / det;
    const dzdy = (dz2 * ex1 - dz1 * ex2) / det;
    const z00 = z0 - dzdx * x0 - dzdy * y0;
    const dzdx2 = 2 * dzdx;

    const out = this.spanBuffer;
    triangleSpans(out, x0, y0, x1, y1, x2, y2);
    const spans = out.spans;
    let maxError = 0;
    let best = y0 * w + x0;
    for (let r = 0, y = out.firstRow; r < out.rows; r++, y++) {
      const start = spans[2 * r];
      const end = spans[2 * r + 1];
      // Two interleaved plane values break the serial add chain (~20% faster per sample).
      let z = z00 + dzdy * y + dzdx * start;
      let zNext = z + dzdx;
      const rowBase = y * w;
      const last = rowBase + end;
      let i = rowBase + start;
      for (; i < last; i += 2) {
        const d = Math.abs(h[i] - z);
        const dNext = Math.abs(h[i + 1] - zNext);
        if (d > maxError) {
          maxError = d;
          best = i;
        }
        if (dNext > maxError) {
          maxError = dNext;
          best = i + 1;
        }
        z += dzdx2;
        zNext += dzdx2;
      }
      if (i === last) {
        const d = Math.abs(h[i] - z);
        if (d > maxError) {
          maxError = d;
          best = i;
        }
      }
    }
    this.candidate = best;
    if (best === y0 * w + x0 || best === y1 * w + x1 || best === y2 * w + x2) return 0;
    return maxError;
  }
}

/**
 * Deviation on a cylinder. Column x sits at angle x * radiansPerSample, a sample of height h at
 * radius `radius + h`; y runs along the axis (one grid unit = radius * radiansPerSample mm keeps
 * the parameter grid isotropic, so the 2D Delaunay criterion still fits, but y never changes the
 * error because the interpolated y is exact). The mesh point of a sample is the 3D triangle
 * interpolated with the sample's barycentric coordinates, and the error is its distance to the
 * sample's true surface point. That bounds the radial deviation (| |Q| - r | <= |Q - S|), equals the
 * chord sag r(1 - cos(Δθ/2)) at a chord's middle, and — unlike the radial part alone — also sees a
 * triangle that folds across the seam or spans a wide angle (a purely radial measure is blind to
 * the two initial triangles of a closed cylinder, whose corners all sit at angle 0). Squared
 * distances are compared, so no square root per sample.
 */
export class CylinderErrorScanner implements TriangleErrorScanner {
  candidate = 0;
  private readonly spanBuffer: SpanBuffer;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly heights: Float32Array;
  private readonly width: number;
  private readonly radius: number;

  constructor(heights: Float32Array, width: number, height: number, radius: number, radiansPerSample: number) {
    this.heights = heights;
    this.width = width;
    this.radius = radius;
    this.spanBuffer = createSpanBuffer(height);
    this.cos = new Float64Array(width);
    this.sin = new Float64Array(width);
    for (let x = 0; x < width; x++) {
      this.cos[x] = Math.cos(x * radiansPerSample);
      this.sin[x] = Math.sin(x * radiansPerSample);
    }
  }

  scan(x0: number, y0: number, x1: number, y1: number, x2: number, y2: number): number {
    const h = this.heights;
    const w = this.width;
    const R = this.radius;
    const r0 = R + h[y0 * w + x0];
    const r1 = R + h[y1 * w + x1];
    const r2 = R + h[y2 * w + x2];
    const X0 = r0 * this.cos[x0],
      Y0 = r0 * this.sin[x0];
    const dX1 = r1 * this.cos[x1] - X0,
      dY1 = r1 * this.sin[x1] - Y0;
    const dX2 = r2 * this.cos[x2] - X0,
      dY2 = r2 * this.sin[x2] - Y0;
    const ex1 = x1 - x0,
      ey1 = y1 - y0,
      ex2 = x2 - x0,
      ey2 = y2 - y0;
    const det = ex1 * ey2 - ey1 * ex2;
    const dXdx = (dX1 * ey2 - dX2 * ey1) / det;
    const dXdy = (dX2 * ex1 - dX1 * ex2) / det;
    const dYdx = (dY1 * ey2 - dY2 * ey1) / det;
    const dYdy = (dY2 * ex1 - dY1 * ex2) / det;
    const X00 = X0 - dXdx * x0 - dXdy * y0;
    const Y00 = Y0 - dYdx * x0 - dYdy * y0;

    const out = this.spanBuffer;
    triangleSpans(out, x0, y0, x1, y1, x2, y2);
    const spans = out.spans;
    const cos = this.cos;
    const sin = this.sin;
    let maxSquared = 0;
    let best = y0 * w + x0;
    for (let r = 0, y = out.firstRow; r < out.rows; r++, y++) {
      const start = spans[2 * r];
      const end = spans[2 * r + 1];
      let X = X00 + dXdy * y + dXdx * start;
      let Y = Y00 + dYdy * y + dYdx * start;
      const rowBase = y * w;
      for (let x = start; x <= end; x++) {
        const rs = R + h[rowBase + x];
        const dx = X - rs * cos[x];
        const dy = Y - rs * sin[x];
        const d2 = dx * dx + dy * dy;
        if (d2 > maxSquared) {
          maxSquared = d2;
          best = rowBase + x;
        }
        X += dXdx;
        Y += dYdx;
      }
    }
    this.candidate = best;
    if (best === y0 * w + x0 || best === y1 * w + x1 || best === y2 * w + x2) return 0;
    return Math.sqrt(maxSquared);
  }
}

/**
 * Deviation on any mapped surface (SurfaceMetric): the same construction as the cylinder's — the
 * triangle's three 3D corners interpolated linearly over the grid, compared with each covered
 * sample's own 3D point — with the sample points read from `base + h * normal` instead of a
 * cosine table. Exact chord sag on a sphere, and blind to nothing a folded triangle does.
 */
export class SurfaceErrorScanner implements TriangleErrorScanner {
  candidate = 0;
  private readonly spanBuffer: SpanBuffer;
  private readonly heights: Float32Array;
  private readonly width: number;
  private readonly base: Float32Array;
  private readonly normal: Float32Array;
  // Scratch per scan (kept, so a scan allocates nothing).
  private readonly corner = new Float64Array(9);
  private readonly ddx = new Float64Array(3);
  private readonly ddy = new Float64Array(3);
  private readonly at00 = new Float64Array(3);

  constructor(heights: Float32Array, width: number, height: number, base: Float32Array, normal: Float32Array) {
    this.heights = heights;
    this.width = width;
    this.base = base;
    this.normal = normal;
    this.spanBuffer = createSpanBuffer(height);
  }

  private point(i: number, out: Float64Array, o: number): void {
    const h = this.heights[i];
    out[o] = this.base[3 * i] + h * this.normal[3 * i];
    out[o + 1] = this.base[3 * i + 1] + h * this.normal[3 * i + 1];
    out[o + 2] = this.base[3 * i + 2] + h * this.normal[3 * i + 2];
  }

  scan(x0: number, y0: number, x1: number, y1: number, x2: number, y2: number): number {
    const w = this.width;
    const c = this.corner;
    this.point(y0 * w + x0, c, 0);
    this.point(y1 * w + x1, c, 3);
    this.point(y2 * w + x2, c, 6);
    const ex1 = x1 - x0,
      ey1 = y1 - y0,
      ex2 = x2 - x0,
      ey2 = y2 - y0;
    const det = ex1 * ey2 - ey1 * ex2;
    // Per axis k: value = P0 + ddx * (x - x0) + ddy * (y - y0).
    const { ddx, ddy, at00 } = this;
    for (let k = 0; k < 3; k++) {
      const d1 = c[3 + k] - c[k];
      const d2 = c[6 + k] - c[k];
      ddx[k] = (d1 * ey2 - d2 * ey1) / det;
      ddy[k] = (d2 * ex1 - d1 * ex2) / det;
      at00[k] = c[k] - ddx[k] * x0 - ddy[k] * y0;
    }
    const out = this.spanBuffer;
    triangleSpans(out, x0, y0, x1, y1, x2, y2);
    const spans = out.spans;
    const h = this.heights;
    const base = this.base;
    const normal = this.normal;
    let maxSquared = 0;
    let best = y0 * w + x0;
    for (let r = 0, y = out.firstRow; r < out.rows; r++, y++) {
      const start = spans[2 * r];
      const end = spans[2 * r + 1];
      let X = at00[0] + ddy[0] * y + ddx[0] * start;
      let Y = at00[1] + ddy[1] * y + ddx[1] * start;
      let Z = at00[2] + ddy[2] * y + ddx[2] * start;
      for (let x = start, i = y * w + start; x <= end; x++, i++) {
        const hs = h[i];
        const dx = X - (base[3 * i] + hs * normal[3 * i]);
        const dy = Y - (base[3 * i + 1] + hs * normal[3 * i + 1]);
        const dz = Z - (base[3 * i + 2] + hs * normal[3 * i + 2]);
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 > maxSquared) {
          maxSquared = d2;
          best = i;
        }
        X += ddx[0];
        Y += ddx[1];
        Z += ddx[2];
      }
    }
    this.candidate = best;
    if (best === y0 * w + x0 || best === y1 * w + x1 || best === y2 * w + x2) return 0;
    return Math.sqrt(maxSquared);
  }
}
