/**
 * Typed text -> closed polygon rings in mm: glyphs laid out left to right by their advance widths,
 * lines centred under each other, quadratic contours flattened so no chord strays more than
 * `toleranceMm` from the curve (a quadratic's chord error over n equal steps is |P0 - 2P1 + P2| / 4n²,
 * so n = ⌈√(|P0 - 2P1 + P2| / 4t)⌉). The text is scaled so its widest line is `widthMm` wide.
 * Rings keep the font's orientation; the extrusion fills them with the non-zero rule, so outer
 * contours and counters (the hole of an "o") come out right whichever way a font winds them.
 */
import { PipelineError } from '../errors.ts';
import type { Point, Ring } from '../extrude/ring.ts';
import type { FontPoint, TrueTypeFont } from './truetype.ts';

export interface TextLayoutOptions {
  /** The widest line's advance width, mm. */
  widthMm: number;
  /** Largest distance of a flattened curve from the true one, mm. */
  toleranceMm: number;
  /** Distance between baselines, in ems. */
  lineSpacing: number;
}

export const MAX_TEXT_CHARACTERS = 200;

export function layoutText(font: TrueTypeFont, text: string, options: TextLayoutOptions): Ring[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const characters = [...text].length;
  if (characters > MAX_TEXT_CHARACTERS) {
    throw new PipelineError('invalid_parameters', `text: at most ${MAX_TEXT_CHARACTERS} characters (got ${characters})`, 'text');
  }
  const glyphLines = lines.map((line) => [...line].map((ch) => font.glyphIndex(ch.codePointAt(0) ?? 0)));
  const widths = glyphLines.map((glyphs) => glyphs.reduce((sum, g) => sum + font.advance(g), 0));
  const widest = Math.max(...widths);
  if (!(widest > 0)) throw new PipelineError('nothing_to_extrude', 'text: the text has no printable characters', 'text');
  const scale = options.widthMm / widest;
  const tolerance = options.toleranceMm / scale;
  const rings: Ring[] = [];
  const lineStep = options.lineSpacing * font.unitsPerEm;
  glyphLines.forEach((glyphs, row) => {
    let x = (widest - widths[row]) / 2;
    const baseline = -row * lineStep;
    for (const glyph of glyphs) {
      for (const contour of font.contours(glyph)) {
        const ring = flattenContour(contour, tolerance).map(([px, py]): Point => [(px + x) * scale, (py + baseline) * scale]);
        if (ring.length >= 3) rings.push(ring);
      }
      x += font.advance(glyph);
    }
  });
  return rings;
}

/** A TrueType contour (on- and off-curve points, implied on-points between two off-points) as a polygon. */
export function flattenContour(contour: readonly FontPoint[], tolerance: number): Point[] {
  const n = contour.length;
  if (n < 2) return [];
  // Start on an on-curve point (or the implied midpoint of the first two off-curve points).
  let startIndex = contour.findIndex((p) => p.onCurve);
  let start: Point;
  if (startIndex < 0) {
    start = midpoint(contour[0], contour[1]);
    startIndex = 0;
  } else start = [contour[startIndex].x, contour[startIndex].y];
  const out: Point[] = [start];
  let current = start;
  let control: Point | undefined;
  for (let k = 1; k <= n; k++) {
    const p = contour[(startIndex + k) % n];
    const here: Point = [p.x, p.y];
    if (p.onCurve) {
      if (control) quadratic(current, control, here, tolerance, out);
      else out.push(here);
      current = here;
      control = undefined;
    } else if (control) {
      const mid: Point = [(control[0] + here[0]) / 2, (control[1] + here[1]) / 2];
      quadratic(current, control, mid, tolerance, out);
      current = mid;
      control = here;
    } else control = here;
  }
  if (control) quadratic(current, control, start, tolerance, out);
  // The walk ends where it began: drop the repeated start and any zero-length steps.
  const ring: Point[] = [];
  for (const p of out) {
    const last = ring[ring.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) ring.push(p);
  }
  while (ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1]) ring.pop();
  return ring;
}

function quadratic(p0: Point, p1: Point, p2: Point, tolerance: number, out: Point[]): void {
  const ax = p0[0] - 2 * p1[0] + p2[0];
  const ay = p0[1] - 2 * p1[1] + p2[1];
  const steps = Math.min(64, Math.max(1, Math.ceil(Math.sqrt(Math.hypot(ax, ay) / (4 * tolerance)))));
  for (let i = 1; i <= steps; i++) {
    const t = i / steps;
    const u = 1 - t;
    out.push([u * u * p0[0] + 2 * u * t * p1[0] + t * t * p2[0], u * u * p0[1] + 2 * u * t * p1[1] + t * t * p2[1]]);
  }
}

function midpoint(a: FontPoint, b: FontPoint): Point {
  return [(a.x + b.x) / 2, (a.y + b.y) / 2];
}
