/**
 * A small TrueType reader: just what text extrusion needs — character to glyph (cmap formats 4
 * and 12), advance widths (hmtx), and glyph outlines (glyf/loca, simple and composite glyphs) as
 * quadratic contours in font units. Written here rather than adding a font library: the tables are
 * few, and an upload must be parsed defensively. Every read is bounds-checked by DataView; any
 * failure, a missing table, a CFF (OpenType/PostScript) font or absurd counts becomes one
 * PipelineError 'font_corrupt', never an exception of another kind. Composite glyphs nest at most
 * MAX_COMPOSITE_DEPTH deep (a cycle cannot loop for ever).
 */
import { PipelineError } from '../errors.ts';

export interface FontPoint {
  x: number;
  y: number;
  onCurve: boolean;
}

export interface TrueTypeFont {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  glyphIndex(codePoint: number): number;
  advance(glyph: number): number;
  /** Contours of the glyph in font units (y up), TrueType points with on/off-curve flags. */
  contours(glyph: number): FontPoint[][];
}

const MAX_COMPOSITE_DEPTH = 8;
const MAX_POINTS = 20_000;
const STAGE = 'font';

export function fontCorrupt(message: string): PipelineError {
  return new PipelineError('font_corrupt', `font: ${message}`, STAGE);
}

export function readTrueType(bytes: Uint8Array): TrueTypeFont {
  try {
    return parse(bytes);
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    throw fontCorrupt(`the file is not a readable TrueType font (${error instanceof Error ? error.message : String(error)})`);
  }
}

function parse(bytes: Uint8Array): TrueTypeFont {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0);
  if (version === 0x4f54544f) throw fontCorrupt('PostScript-outline (CFF) OpenType fonts are not supported; use a TrueType (.ttf) font');
  if (version !== 0x00010000 && version !== 0x74727565) throw fontCorrupt('not a TrueType font');
  const numTables = view.getUint16(4);
  const tables = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < numTables; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
    const offset = view.getUint32(at + 8);
    const length = view.getUint32(at + 12);
    if (offset + length > bytes.byteLength) throw fontCorrupt(`table ${tag} runs past the end of the file`);
    tables.set(tag, { offset, length });
  }
  const table = (tag: string) => {
    const t = tables.get(tag);
    if (!t) throw fontCorrupt(`no ${tag} table`);
    return t;
  };
  const head = table('head');
  const unitsPerEm = view.getUint16(head.offset + 18);
  if (unitsPerEm < 16 || unitsPerEm > 16384) throw fontCorrupt(`unitsPerEm ${unitsPerEm} is out of range`);
  const longLoca = view.getInt16(head.offset + 50) === 1;
  const numGlyphs = view.getUint16(table('maxp').offset + 4);
  const hhea = table('hhea');
  const ascender = view.getInt16(hhea.offset + 4);
  const descender = view.getInt16(hhea.offset + 6);
  const numberOfHMetrics = Math.min(view.getUint16(hhea.offset + 34), numGlyphs);
  if (numberOfHMetrics < 1) throw fontCorrupt('no horizontal metrics');
  const hmtx = table('hmtx');
  const loca = table('loca');
  const glyf = table('glyf');
  const cmap = readCmap(view, table('cmap').offset);

  const glyphRange = (glyph: number): [number, number] => {
    if (glyph < 0 || glyph >= numGlyphs) throw fontCorrupt(`glyph ${glyph} does not exist`);
    const start = longLoca ? view.getUint32(loca.offset + 4 * glyph) : 2 * view.getUint16(loca.offset + 2 * glyph);
    const end = longLoca ? view.getUint32(loca.offset + 4 * glyph + 4) : 2 * view.getUint16(loca.offset + 2 * glyph + 2);
    if (end < start || end > glyf.length) throw fontCorrupt(`glyph ${glyph} lies outside the glyf table`);
    return [glyf.offset + start, glyf.offset + end];
  };

  const outline = (glyph: number, depth: number): FontPoint[][] => {
    if (depth > MAX_COMPOSITE_DEPTH) throw fontCorrupt('composite glyphs nest too deep');
    const [start, end] = glyphRange(glyph);
    if (end === start) return []; // a space
    const contourCount = view.getInt16(start);
    if (contourCount >= 0) return simpleGlyph(view, start, end, contourCount);
    return compositeGlyph(view, start, end, (g) => outline(g, depth + 1));
  };

  return {
    unitsPerEm,
    ascender,
    descender,
    glyphIndex: (codePoint) => cmap(codePoint),
    advance: (glyph) => view.getUint16(hmtx.offset + 4 * Math.min(glyph, numberOfHMetrics - 1)),
    contours: (glyph) => {
      try {
        return outline(glyph, 0);
      } catch (error) {
        if (error instanceof PipelineError) throw error;
        throw fontCorrupt(`glyph ${glyph} is unreadable (${error instanceof Error ? error.message : String(error)})`);
      }
    },
  };
}

/** The best Unicode subtable: format 12 (full range) if present, else format 4 (BMP). */
function readCmap(view: DataView, offset: number): (codePoint: number) => number {
  const count = view.getUint16(offset + 2);
  let format4 = -1;
  let format12 = -1;
  for (let i = 0; i < count; i++) {
    const platform = view.getUint16(offset + 4 + 8 * i);
    const encoding = view.getUint16(offset + 6 + 8 * i);
    const sub = offset + view.getUint32(offset + 8 + 8 * i);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = view.getUint16(sub);
    if (format === 12) format12 = sub;
    else if (format === 4) format4 = sub;
  }
  if (format12 >= 0) {
    const groups = view.getUint32(format12 + 12);
    return (cp) => {
      for (let g = 0; g < groups; g++) {
        const at = format12 + 16 + 12 * g;
        const first = view.getUint32(at);
        if (cp >= first && cp <= view.getUint32(at + 4)) return view.getUint32(at + 8) + cp - first;
      }
      return 0;
    };
  }
  if (format4 < 0) throw fontCorrupt('no Unicode character map');
  const segments = view.getUint16(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segments; s++) {
      if (cp > view.getUint16(ends + 2 * s)) continue;
      const start = view.getUint16(starts + 2 * s);
      if (cp < start) return 0;
      const delta = view.getInt16(deltas + 2 * s);
      const rangeOffset = view.getUint16(rangeOffsets + 2 * s);
      if (rangeOffset === 0) return (cp + delta) & 0xffff;
      const glyph = view.getUint16(rangeOffsets + 2 * s + rangeOffset + 2 * (cp - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

function simpleGlyph(view: DataView, start: number, end: number, contourCount: number): FontPoint[][] {
  let at = start + 10;
  const ends: number[] = [];
  for (let c = 0; c < contourCount; c++, at += 2) ends.push(view.getUint16(at));
  const points = contourCount > 0 ? ends[contourCount - 1] + 1 : 0;
  if (points > MAX_POINTS) throw fontCorrupt(`a glyph claims ${points} points`);
  at += 2 + view.getUint16(at); // skip the instructions
  const flags = new Uint8Array(points);
  for (let i = 0; i < points; ) {
    const flag = view.getUint8(at++);
    flags[i++] = flag;
    if (flag & 8) {
      const repeat = view.getUint8(at++);
      for (let r = 0; r < repeat && i < points; r++) flags[i++] = flag;
    }
  }
  const xs = new Int32Array(points);
  const ys = new Int32Array(points);
  for (const [coords, shortBit, sameBit] of [
    [xs, 2, 16],
    [ys, 4, 32],
  ] as const) {
    let value = 0;
    for (let i = 0; i < points; i++) {
      const flag = flags[i];
      if (flag & shortBit) {
        const d = view.getUint8(at++);
        value += flag & sameBit ? d : -d;
      } else if (!(flag & sameBit)) {
        value += view.getInt16(at);
        at += 2;
      }
      coords[i] = value;
    }
  }
  if (at > end) throw fontCorrupt('a glyph runs past its end');
  const contours: FontPoint[][] = [];
  let first = 0;
  for (const last of ends) {
    if (last < first || last >= points) throw fontCorrupt('contour ends are out of order');
    const contour: FontPoint[] = [];
    for (let i = first; i <= last; i++) contour.push({ x: xs[i], y: ys[i], onCurve: (flags[i] & 1) === 1 });
    contours.push(contour);
    first = last + 1;
  }
  return contours;
}

function compositeGlyph(view: DataView, start: number, end: number, child: (glyph: number) => FontPoint[][]): FontPoint[][] {
  const out: FontPoint[][] = [];
  let at = start + 10;
  let more = true;
  while (more) {
    if (at + 4 > end) throw fontCorrupt('a composite glyph runs past its end');
    const flags = view.getUint16(at);
    const glyph = view.getUint16(at + 2);
    at += 4;
    let dx: number;
    let dy: number;
    if (flags & 1) {
      dx = view.getInt16(at);
      dy = view.getInt16(at + 2);
      at += 4;
    } else {
      dx = view.getInt8(at);
      dy = view.getInt8(at + 1);
      at += 2;
    }
    // Point-matching placement (ARGS_ARE_XY_VALUES unset) is rare in text fonts: placed at the origin.
    if (!(flags & 2)) dx = dy = 0;
    let [a, b, c, d] = [1, 0, 0, 1];
    const f2dot14 = (o: number) => view.getInt16(o) / 16384;
    if (flags & 8) {
      a = d = f2dot14(at);
      at += 2;
    } else if (flags & 0x40) {
      a = f2dot14(at);
      d = f2dot14(at + 2);
      at += 4;
    } else if (flags & 0x80) {
      [a, b, c, d] = [f2dot14(at), f2dot14(at + 2), f2dot14(at + 4), f2dot14(at + 6)];
      at += 8;
    }
    for (const contour of child(glyph)) {
      out.push(contour.map((p) => ({ x: a * p.x + c * p.y + dx, y: b * p.x + d * p.y + dy, onCurve: p.onCurve })));
    }
    more = (flags & 0x20) !== 0;
  }
  return out;
}
