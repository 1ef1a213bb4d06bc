/**
 * What a user can ask of an image job, with defaults and range checks. The same object comes from
 * the CLI flags, the HTTP API and the worker protocol, so it is validated here, once.
 */
import {
  COLOUR_LITHOPHANE_FILAMENTS,
  COLOUR_LITHOPHANE_RESOLUTION_MM,
  COLOUR_RELIEF_BASE_MM,
  COLOUR_RELIEF_HEIGHT_MM,
  IMAGE_FIELDS,
  KEYCHAIN_BASE_PLATE_MM,
  LAMP_SHADE_DIAMETER_MM,
} from './catalog/image-fields.ts';
import type { IMAGE_MODES, KEYCHAIN_POSITIONS, OUTLINES, OUTPUT_FORMATS, SHAPES, SWAP_METHODS } from './catalog/image-fields.ts';
import { filamentListProblem } from './colour/filaments.ts';
import { FRAME_TEXT, FRAME_TEXT_SHAPES } from './modes/frame-text.ts';
import type { FrameTextSide, FrameTextStyle } from './modes/frame-text.ts';
import { STAND_DEFAULTS } from './modes/stand.ts';
import { missingFromBundledFont } from './text/bundled-font-coverage.ts';
import { rulesOf } from './catalog/fields.ts';
import { PipelineError } from './errors.ts';
import { mergeFields } from './param-fields.ts';

export {
  IMAGE_MODES,
  KEYCHAIN_BASE_PLATE_MM,
  KEYCHAIN_POSITIONS,
  OUTLINES,
  LAMP_SHADE_DIAMETER_MM,
  OUTPUT_FORMATS,
  SHAPES,
} from './catalog/image-fields.ts';
export type ImageMode = (typeof IMAGE_MODES)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface ImageJobParams {
  mode: ImageMode;
  shape: (typeof SHAPES)[number];
  /** X size in mm (for arc and cylinder lithophanes: the unrolled picture width). */
  widthMm: number;
  /** Alternative to widthMm: the picture's height in mm; width follows the aspect ratio. */
  heightMm?: number;
  /** Cylinder only, alternative to widthMm: the lamp shade's inner diameter; widthMm becomes π × diameterMm. */
  diameterMm?: number;
  /** Distance between height samples. 0.2 mm suits a 0.4 mm nozzle. */
  resolutionMm: number;
  maxErrorMm: number;
  maxTriangles: number;
  invert: boolean;
  autoLevel: boolean;
  gamma: number;
  /** Gaussian denoise, sigma in samples (0 = off). The default 0.5 (0.1 mm at 0.2 mm pitch) is below
   *  what a 0.4 mm nozzle can print, yet halves the triangles sensor noise would otherwise demand. */
  denoise: number;
  /** Relief and flat lithophane: islands and holes smaller than (2 x nozzleMm)² are levelled in every layer
   *  (heightmap-ops/slicer-friendly.ts), so the slicer is not slowed by specks it cannot print. 0 = off. */
  nozzleMm: number;
  // relief
  minHeightMm: number;
  maxHeightMm: number;
  baseMm: number;
  // lithophane
  minThicknessMm: number;
  maxThicknessMm: number;
  arcDegrees: number;
  /** Globe: the light opening's diameter at the bottom. */
  openingMm: number;
  frameMm: number;
  frameThicknessMm: number;
  /** Flat, arc and cylinder lithophanes: one line of text on the frame (modes/frame-text.ts); a frame is added if there is none. */
  frameText?: string;
  frameTextSide: FrameTextSide;
  frameTextStyle: FrameTextStyle;
  /** Capital height of the frame text, mm; absent: as tall as the frame band allows. */
  frameTextMm?: number;
  stand: boolean;
  // extrude
  extrudeHeightMm: number;
  basePlateMm: number;
  threshold: number;
  keychain: boolean;
  keychainHoleMm: number;
  keychainPosition: (typeof KEYCHAIN_POSITIONS)[number];
  cookieCutter: boolean;
  cutterWallMm: number;
  cutterHeightMm: number;
  /** Extrusions: widen strokes narrower than nozzleMm until they print (default on for keychains and cookie cutters). */
  thickenToNozzle: boolean;
  /** Relief and flat lithophane: cut the solid to the subject ('auto': 'alpha' when the picture has transparency). */
  outline: (typeof OUTLINES)[number];
  /** With outline 'colour': the background colour, '#rrggbb' (matched on brightness). */
  backgroundColour: string;
  /** With outline 'colour': brightness distance (0..1) still counted as background. */
  backgroundTolerance: number;
  /** The printer's build volume x, y, z in mm: what fits only turned is warned about, what fits no way round refused. */
  buildPlateMm: [number, number, number];
  // colour relief
  /** Library ids or `Name:#RRGGBB:TD`, in any order (they are stacked dark to light). */
  filaments: string[];
  /** Lithophanes: the filament's library id, for the backlit preview's colour and TD. */
  filament: string;
  layerHeightMm: number;
  swapMethod: (typeof SWAP_METHODS)[number];
  // outputs
  formats: OutputFormat[];
  previews: boolean;
}

const RULES = rulesOf<ImageJobParams>(IMAGE_FIELDS);
/** The defaults of every parameter (from catalog/image-fields.ts, where each is declared once). */
export const IMAGE_JOB_DEFAULTS: ImageJobParams = RULES.defaults;

/** Merges `input` over the defaults and checks every field; unknown fields are rejected. */
export function resolveImageParams(input: Record<string, unknown>): ImageJobParams {
  const { merged: out, problems } = mergeFields(input, RULES);
  const params = out as unknown as ImageJobParams;
  if (params.mode === 'relief' && params.maxHeightMm < params.minHeightMm) problems.push('maxHeightMm must not be below minHeightMm');
  if (params.mode === 'lithophane' && params.maxThicknessMm <= params.minThicknessMm)
    problems.push('maxThicknessMm must exceed minThicknessMm');
  if (params.mode === 'colour-relief') {
    const filaments = filamentListProblem('filaments', params.filaments, 1, 8);
    if (filaments) problems.push(filaments);
  }
  // A colour lithophane: its colours and the white texture, with its own default.
  if (params.mode === 'colour-lithophane') {
    if (input.filaments === undefined) params.filaments = [...COLOUR_LITHOPHANE_FILAMENTS];
    const filaments = filamentListProblem('filaments', params.filaments, 2, 4);
    if (filaments) problems.push(filaments);
    if (params.maxThicknessMm <= params.minThicknessMm) problems.push('maxThicknessMm must exceed minThicknessMm');
  }
  if (params.stand && params.shape !== 'flat' && params.shape !== 'arc') problems.push('a stand is only made for flat and arc lithophanes');
  if ((params.outline === 'alpha' || params.outline === 'colour') && params.mode === 'lithophane' && params.shape !== 'flat')
    problems.push('the outline cut is made for reliefs and flat lithophanes');
  const frameText = frameTextProblems(params, problems);
  // Resolved parameters carry widthMm = π × diameterMm; resolving them again must not call that two sizes.
  const derivedWidth = params.diameterMm !== undefined && Math.abs(params.widthMm - Math.PI * params.diameterMm) < 1e-9;
  const sizes = ['widthMm', 'heightMm', 'diameterMm'].filter((k) => input[k] !== undefined && !(k === 'widthMm' && derivedWidth));
  const round = params.mode === 'lithophane' && (params.shape === 'cylinder' || params.shape === 'globe');
  if (params.diameterMm !== undefined && !round)
    problems.push('diameterMm is the size of a cylinder or globe lithophane; other shapes take widthMm or heightMm');
  else if (params.diameterMm !== undefined && sizes.length > 1) problems.push(`give one size, not ${sizes.join(' and ')}`);
  if (problems.length > 0) {
    throw new PipelineError('invalid_parameters', `parameters: ${problems.join('; ')}`, 'parameters', { problems });
  }
  // Print-first: a keychain is one piece. Unless the caller sets a plate (0 included), letters that
  // do not touch are joined by one, instead of coming out as loose pieces on a ring.
  if (params.mode === 'extrude' && params.keychain && !params.cookieCutter && input.basePlateMm === undefined) {
    params.basePlateMm = KEYCHAIN_BASE_PLATE_MM;
  }
  // A colour relief is thin: a few layers of base and about two millimetres of relief, unless asked otherwise.
  if (params.mode === 'colour-lithophane' && input.resolutionMm === undefined) params.resolutionMm = COLOUR_LITHOPHANE_RESOLUTION_MM;
  if (params.mode === 'colour-relief') {
    if (input.baseMm === undefined) params.baseMm = COLOUR_RELIEF_BASE_MM;
    if (input.maxHeightMm === undefined) params.maxHeightMm = COLOUR_RELIEF_HEIGHT_MM;
  }
  // Keychains and cookie cutters are handled and pressed: their thin strokes are widened unless the caller says no.
  if (params.mode === 'extrude' && (params.keychain || params.cookieCutter) && input.thickenToNozzle === undefined) {
    params.thickenToNozzle = true;
  }
  // A lamp shade is sized by its diameter: without any size, the default lamp shade, not a 100 mm
  // circumference (a 32 mm tube).
  if (round && sizes.length === 0) params.diameterMm = LAMP_SHADE_DIAMETER_MM;
  if (params.diameterMm !== undefined) params.widthMm = Math.PI * params.diameterMm;
  // A globe sized by its width has the diameter width / π; by its height, the picture decides (unchecked here).
  if (round && params.shape === 'globe' && params.heightMm === undefined && params.openingMm >= params.widthMm / Math.PI) {
    const problem = `openingMm must be smaller than the globe’s diameter (${Math.round(params.widthMm / Math.PI)} mm)`;
    throw new PipelineError('invalid_parameters', `parameters: ${problem}`, 'parameters', { problems: [problem] });
  }
  // Blank frame text is no frame text; text on a lithophane without a frame gets the default frame.
  if (frameText) {
    params.frameText = frameText;
    // A stand's foot hides the bottom of the frame: the default frame grows by what it hides.
    const hidden = params.stand && params.frameTextSide === 'bottom' ? STAND_DEFAULTS.embedMm : 0;
    if (params.frameMm === 0) params.frameMm = FRAME_TEXT.frameMm + hidden;
  } else delete params.frameText;
  params.formats = [...new Set(params.formats)];
  return params;
}

/** The frame text trimmed (undefined when blank), with what is wrong with it added to `problems`. */
function frameTextProblems(params: ImageJobParams, problems: string[]): string | undefined {
  const text = params.frameText?.trim();
  if (!text) return undefined;
  const shaped = params.mode === 'lithophane' && (FRAME_TEXT_SHAPES as readonly string[]).includes(params.shape);
  if (!shaped) {
    const what = params.mode === 'lithophane' ? `a ${params.shape} lithophane, which has no straight frame band` : `mode ${params.mode}`;
    problems.push(`frameText is written on the frame of a flat, arc or cylinder lithophane, not on ${what}`);
  }
  const missing = missingFromBundledFont(text);
  if (missing.length > 0) problems.push(`frameText: the font has no letter for ${missing.map((c) => `"${c}"`).join(', ')}`);
  const engraving = FRAME_TEXT.reliefMm + FRAME_TEXT.floorMm;
  if (shaped && params.frameTextStyle === 'engraved' && params.frameThicknessMm < engraving)
    problems.push(`engraved frame text needs frameThicknessMm of at least ${engraving} (or frameTextStyle raised)`);
  return text;
}
