/**
 * Frame text (issue 15): one line of text on a lithophane's frame band, raised from it or engraved
 * into it, in the text mode's font and outline code (text/layout.ts).
 *
 * Method: the glyph rings are laid out in the frame's unrolled plane (u along the band, v across it,
 * mm) and sized to the band: the capital height asked for (or as tall as the band allows), shrunk
 * until the line fits the band's length and height, refused below FRAME_TEXT.minLetterMm. They become
 * a manifold-3d CrossSection (non-zero fill), extruded along the surface normal h, refined to 1 mm
 * edges on a curved shape and warped onto the lithophane's own surface map (flat, arc or cylinder),
 * then unioned with the solid (raised) or subtracted from it (engraved). The letters keep a margin
 * inside the band, so the booleans cut only the frame's faces: the picture's adaptive triangulation
 * comes out unchanged (test/pipeline/frame-text.test.ts counts it).
 * Measured (December 2026, load 13-16 on 2 cores, corpus Landscape_5.jpg at 100 mm, 10 mm frame,
 * "Family 2026" -> 5.7 mm capitals, 118.6 mm² of letters): flat 24.0k -> 25.3k triangles, about
 * +0.35 s; arc 152.8k -> 157.8k triangles, about +2 s (the boolean reads the whole arc). Engraving
 * took 118.4 mm³ off, raising added 118.8 mm³: the letters' area times the 1 mm relief within 0.2%.
 * Refined to 1 mm before bending, a letter's chords sag under 0.003 mm on a 48 mm radius.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import { PipelineError } from '../errors.ts';
import type { Point, Ring } from '../extrude/ring.ts';
import { manifoldToMesh } from '../extrude/manifold-mesh.ts';
import { WasmScope } from '../extrude/wasm-scope.ts';
import type { Mesh } from '../mesh.ts';
import type { ShapeMap } from '../solidify/surface-solid.ts';
import { layoutText } from '../text/layout.ts';
import { readTrueType } from '../text/truetype.ts';
import type { TrueTypeFont } from '../text/truetype.ts';

export const FRAME_TEXT_SIDES = ['bottom', 'top'] as const;
export const FRAME_TEXT_STYLES = ['engraved', 'raised'] as const;
/** Lithophane shapes with a straight frame band to write on (a heart's rim, a dome's or globe's ring and a box's posts have none). */
export const FRAME_TEXT_SHAPES = ['flat', 'arc', 'cylinder'] as const;
export type FrameTextSide = (typeof FRAME_TEXT_SIDES)[number];
export type FrameTextStyle = (typeof FRAME_TEXT_STYLES)[number];

export const FRAME_TEXT = {
  maxCharacters: 60,
  /** Smallest capital height that prints legibly: a 0.4 mm nozzle draws a bold stroke of 4 mm letters in about two lines. */
  minLetterMm: 4,
  /** The frame a lithophane gets for its text when it has none, mm: room for 6 mm capitals with descenders. */
  frameMm: 10,
  /** How far letters stand out of the frame, or are cut into it, mm (five 0.2 mm layers). */
  reliefMm: 1,
  /** Frame left under engraved letters, mm: engraving needs a frame at least reliefMm + floorMm thick. */
  floorMm: 1,
  /** Clear space between the letters and the band's edges, mm. */
  marginMm: 1,
  /** Raised letters reach this far into the frame, so the union overlaps rather than touching, mm. */
  sinkMm: 0.3,
} as const;

/** Where the frame is: the lithophane's surface map and the unrolled plane it maps. */
export interface FramePlacement {
  map: ShapeMap;
  /** The unrolled surface, u across (mm) and v up from the bottom edge (mm). */
  widthMm: number;
  heightMm: number;
  /** The frame band as meshed (whole samples), mm. */
  frameMm: number;
  frameThicknessMm: number;
  /** A cylinder: no side frames, the text may run round the circumference. */
  periodic: boolean;
  /** Arc and cylinder: the letters are refined before they are bent. */
  curved: boolean;
}

export interface FrameTextOptions {
  text: string;
  side: FrameTextSide;
  style: FrameTextStyle;
  /** Capital height asked for, mm; absent: as tall as the band allows. */
  letterMm?: number;
  /** Mm of the bottom band sunk in a stand's foot (hidden, so not written on). */
  hiddenBottomMm: number;
  /** Curves are flattened to within this, mm. */
  toleranceMm: number;
}

export interface FrameTextLayout {
  /** The letters in the unrolled plane, mm. */
  rings: Ring[];
  /** Capital height as laid out, mm. */
  letterMm: number;
  /** Why the letters came out smaller than asked (or than the band allows), if they did. */
  shrunk?: string;
}

export interface FrameTextResult {
  mesh: Mesh;
  letterMm: number;
  /** Area of the letters, mm² (the volume changes by about this times FRAME_TEXT.reliefMm). */
  letterAreaMm2: number;
  warnings: string[];
}

const STAGE = 'frame-text';

/** Sizes and places the text on the band; refuses characters the font lacks and letters below the legible minimum. */
export function layoutFrameText(font: TrueTypeFont, placement: FramePlacement, o: FrameTextOptions): FrameTextLayout {
  const text = o.text.trim();
  const missing = [...new Set([...text].filter((ch) => ch.trim() !== '' && font.glyphIndex(ch.codePointAt(0) ?? 0) === 0))];
  if (missing.length > 0) {
    throw new PipelineError(
      'invalid_parameters',
      `frame text: the font has no letter for ${missing.map((c) => `"${c}"`).join(', ')}`,
      STAGE,
      {
        problems: [`frameText: the font has no letter for ${missing.join(' ')}`],
      },
    );
  }
  const advance = [...text].reduce((sum, ch) => sum + font.advance(font.glyphIndex(ch.codePointAt(0) ?? 0)), 0);
  // Laid out at one millimetre per font unit, the bounds are in font units.
  const ink = bounds(layoutText(font, text, { widthMm: advance, toleranceMm: font.unitsPerEm / 200, lineSpacing: 1 }));
  if (!ink) throw new PipelineError('nothing_to_extrude', 'frame text: the text has no visible characters', STAGE);
  const capUnits = capHeight(font);
  const hidden = o.side === 'bottom' ? o.hiddenBottomMm : 0;
  const bandMm = placement.frameMm - hidden;
  const lengthMm = placement.widthMm - 2 * (placement.periodic ? FRAME_TEXT.marginMm : Math.max(FRAME_TEXT.marginMm, placement.frameMm));
  const heightRoomMm = bandMm - 2 * FRAME_TEXT.marginMm;
  const byHeight = heightRoomMm / (ink.max[1] - ink.min[1]);
  const byLength = lengthMm / (ink.max[0] - ink.min[0]);
  const asked = o.letterMm === undefined ? byHeight : o.letterMm / capUnits;
  const scale = Math.min(asked, byHeight, byLength);
  const letterMm = scale * capUnits;
  const round = (v: number) => Math.round(v * 10) / 10;
  const wanted = o.letterMm ?? byHeight * capUnits;
  if (letterMm < FRAME_TEXT.minLetterMm - 1e-9) {
    const why =
      byLength < byHeight
        ? `the ${round(lengthMm)} mm length of the frame`
        : `the ${round(bandMm)} mm frame band${hidden > 0 ? ` (${round(hidden)} mm of it in the stand's foot)` : ''}`;
    throw new PipelineError(
      'invalid_parameters',
      `frame text: "${text}" fits ${why} only with ${round(letterMm)} mm letters; at least ${FRAME_TEXT.minLetterMm} mm are needed to read them. Shorten the text or make the frame (frameMm) or the lithophane wider`,
      STAGE,
      { problems: [`frameText needs ${FRAME_TEXT.minLetterMm} mm letters; the frame fits ${round(letterMm)} mm`] },
    );
  }
  const shrunk =
    letterMm < wanted - 0.05
      ? `frame text shrunk to ${round(letterMm)} mm letters (from ${round(wanted)} mm) to fit ${byLength < byHeight ? `the frame's ${round(lengthMm)} mm length` : `the ${round(bandMm)} mm frame band`}`
      : undefined;
  const rings = layoutText(font, text, { widthMm: advance * scale, toleranceMm: o.toleranceMm, lineSpacing: 1 });
  const vCentre = o.side === 'bottom' ? hidden + bandMm / 2 : placement.heightMm - placement.frameMm / 2;
  const du = placement.widthMm / 2 - ((ink.min[0] + ink.max[0]) / 2) * scale;
  const dv = vCentre - ((ink.min[1] + ink.max[1]) / 2) * scale;
  return { rings: rings.map((ring) => ring.map(([x, y]): Point => [x + du, y + dv])), letterMm, shrunk };
}

/** Adds the laid-out letters to (raised) or cuts them from (engraved) the lithophane; one solid out. */
export function addFrameText(
  lithophane: Mesh,
  fontBytes: Uint8Array,
  placement: FramePlacement,
  wasm: ManifoldToplevel,
  options: FrameTextOptions,
): FrameTextResult {
  const layout = layoutFrameText(readTrueType(fontBytes), placement, options);
  const scope = new WasmScope();
  try {
    const letters = scope.keep(new wasm.CrossSection(layout.rings, 'NonZero'));
    if (letters.isEmpty()) throw new PipelineError('nothing_to_extrude', 'frame text: the text has no visible characters', STAGE);
    const t = placement.frameThicknessMm;
    const [from, to] =
      options.style === 'raised' ? [t - FRAME_TEXT.sinkMm, t + FRAME_TEXT.reliefMm] : [t - FRAME_TEXT.reliefMm, t + FRAME_TEXT.reliefMm];
    let solid = scope.keep(scope.keep(letters.extrude(to - from)).translate([0, 0, from]));
    if (placement.curved) solid = scope.keep(solid.refineToLength(1));
    const p = new Float64Array(3);
    const bent = scope.keep(
      solid.warp((v) => {
        placement.map(v[0], v[1], v[2], p);
        v[0] = p[0];
        v[1] = p[1];
        v[2] = p[2];
      }),
    );
    const base = scope.keep(
      wasm.Manifold.ofMesh(new wasm.Mesh({ numProp: 3, vertProperties: lithophane.positions, triVerts: lithophane.indices })),
    );
    const result = scope.keep(options.style === 'raised' ? base.add(bent) : base.subtract(bent));
    if (result.status() !== 'NoError' || result.isEmpty()) {
      throw new PipelineError('geometry_failed', `frame text: manifold-3d reports ${result.status()}`, STAGE);
    }
    return {
      mesh: manifoldToMesh(result),
      letterMm: layout.letterMm,
      letterAreaMm2: letters.area(),
      warnings: layout.shrunk ? [layout.shrunk] : [],
    };
  } finally {
    scope.dispose();
  }
}

/** The height of a capital H in font units (0.7 em when the font has no H). */
function capHeight(font: TrueTypeFont): number {
  let top = 0;
  for (const contour of font.contours(font.glyphIndex(0x48))) for (const point of contour) top = Math.max(top, point.y);
  return top > 0 ? top : 0.7 * font.unitsPerEm;
}

function bounds(rings: Ring[]): { min: Point; max: Point } | undefined {
  const min: Point = [Infinity, Infinity];
  const max: Point = [-Infinity, -Infinity];
  for (const ring of rings)
    for (const [x, y] of ring) {
      min[0] = Math.min(min[0], x);
      min[1] = Math.min(min[1], y);
      max[0] = Math.max(max[0], x);
      max[1] = Math.max(max[1], y);
    }
  return Number.isFinite(min[0]) && max[0] > min[0] && max[1] > min[1] ? { min, max } : undefined;
}
