/**
 * Every parameter of an image job (relief, lithophane, extrude), declared once: type, unit,
 * default, accepted range, a control's step and slider span, label and help. params.ts checks
 * input against these, the CLI derives its flags from them and GET /api/v1/modes serves them.
 */
import { DEFAULT_BUILD_VOLUME_MM } from '../build-plate.ts';
import { FILAMENT_LIBRARY } from '../colour/filaments.ts';
import { FRAME_TEXT, FRAME_TEXT_SIDES, FRAME_TEXT_STYLES } from '../modes/frame-text.ts';
import { choices } from './fields.ts';
import type { Fields } from './fields.ts';

export const IMAGE_MODES = ['relief', 'lithophane', 'extrude', 'colour-relief', 'colour-lithophane'] as const;
export const SWAP_METHODS = ['optimised', 'equal'] as const;
/** A user's own filament in a filament list: `Name:#RRGGBB:TD` (TD in mm). */
export const CUSTOM_FILAMENT_PATTERN = '^[^:,]{1,40}:#[0-9a-fA-F]{6}:[0-9]+(\\.[0-9]+)?$';
export const SHAPES = ['flat', 'arc', 'cylinder', 'heart', 'dome', 'globe', 'nightlight'] as const;
export const OUTPUT_FORMATS = ['stl', '3mf', 'glb', 'obj'] as const;
export const KEYCHAIN_POSITIONS = ['top', 'bottom', 'left', 'right', 'top-left', 'top-right'] as const;
/** Where a relief or flat lithophane is cut to the subject: 'auto' is 'alpha' when the picture has transparency, else 'none'. */
export const OUTLINES = ['auto', 'none', 'alpha', 'colour'] as const;

/** A keychain's base plate when none is asked for, mm: two 0.2 mm layers' worth of stiffness and more. */
export const KEYCHAIN_BASE_PLATE_MM = 1.2;
/** A lamp shade's inner diameter when no size is asked for, mm: fits over a common LED tea light or bulb holder. */
export const LAMP_SHADE_DIAMETER_MM = 80;
/** A colour relief's base and relief above it when none are asked for, mm (six and 24 layers of 0.08 mm). */
export const COLOUR_RELIEF_BASE_MM = 0.48;
export const COLOUR_RELIEF_HEIGHT_MM = 1.92;
/** A colour lithophane's filaments when none are asked for: the colours (bottom to top), then the white texture. */
export const COLOUR_LITHOPHANE_FILAMENTS = ['cyan', 'magenta', 'yellow', 'white'] as const;
/** A colour lithophane's sample spacing when none is asked for, mm: every body is a full grid (PIXEstL prints ~0.4-0.8 mm pixels). */
export const COLOUR_LITHOPHANE_RESOLUTION_MM = 0.6;
/** Most layers of each colour filament in a colour lithophane (each has at least one). */
export const COLOUR_LITHOPHANE_MAX_LAYERS = 16;

/** What every job writes: its files and preview pictures (mesh jobs share these). */
export const OUTPUT_FIELDS = {
  formats: {
    type: 'list',
    label: 'Files',
    default: ['stl'],
    options: choices(OUTPUT_FORMATS, { stl: 'STL', '3mf': '3MF', glb: 'GLB', obj: 'OBJ' }),
  },
  previews: { type: 'boolean', label: 'Preview pictures', default: true },
} as const satisfies Fields;

export const IMAGE_FIELDS = {
  mode: { type: 'choice', label: 'Mode', default: 'lithophane', options: choices(IMAGE_MODES) },
  shape: {
    type: 'choice',
    label: 'Shape',
    default: 'flat',
    options: choices(SHAPES, {
      flat: 'Flat',
      arc: 'Arc',
      cylinder: 'Cylinder (lamp shade)',
      heart: 'Heart',
      dome: 'Dome',
      globe: 'Globe',
      nightlight: 'Night-light box',
    }),
    help: 'Lithophanes only.',
  },
  widthMm: {
    type: 'number',
    label: 'Width',
    unit: 'mm',
    default: 100,
    min: 1,
    max: 1000,
    step: 1,
    slider: [10, 300],
    help: 'The picture’s width on the print; height follows its aspect ratio. Arc and cylinder: the unrolled width.',
  },
  heightMm: {
    type: 'number',
    label: 'Height',
    unit: 'mm',
    min: 1,
    max: 1000,
    step: 1,
    help: 'Instead of the width: the picture’s height; the width follows its aspect ratio.',
  },
  diameterMm: {
    type: 'number',
    label: 'Diameter',
    unit: 'mm',
    min: 5,
    max: 320,
    step: 1,
    slider: [20, 200],
    help: 'The lamp shade’s or globe’s inside diameter; the picture wraps its circumference (π × diameter).',
  },
  resolutionMm: {
    type: 'number',
    label: 'Resolution',
    unit: 'mm',
    default: 0.2,
    min: 0.02,
    max: 5,
    step: 0.01,
    help: 'Distance between height samples. 0.2 mm suits a 0.4 mm nozzle.',
  },
  // Half a fine 0.12 mm layer: a smaller deviation moves no layer edge a printer can show (issue 15:
  // 0.05 -> 0.06 mm took Portrait_3's flat lithophane from 34.9k to 28.8k triangles, slicer CPU -13%).
  maxErrorMm: { type: 'number', label: 'Largest mesh error', unit: 'mm', default: 0.06, min: 0.001, max: 5, step: 0.01 },
  maxTriangles: { type: 'number', label: 'Triangle budget', default: 400_000, min: 100, max: 5_000_000, integer: true, step: 1000 },
  invert: { type: 'boolean', label: 'Invert brightness', default: false },
  autoLevel: { type: 'boolean', label: 'Stretch contrast (auto level)', default: false },
  gamma: {
    type: 'number',
    label: 'Gamma',
    default: 1,
    min: 0.1,
    max: 10,
    step: 0.05,
    slider: [0.3, 3],
    help: 'Above 1 darkens mid-tones, below 1 lightens them.',
  },
  denoise: {
    type: 'number',
    label: 'Denoise',
    default: 0.5,
    min: 0,
    max: 20,
    step: 0.1,
    // 0.5 samples (0.1 mm at 0.2 mm pitch) is below what a 0.4 mm nozzle prints, yet halves the
    // triangles sensor noise would otherwise demand.
    help: 'Gaussian blur, sigma in samples (0 = off).',
  },
  nozzleMm: {
    type: 'number',
    label: 'Nozzle',
    unit: 'mm',
    default: 0.4,
    min: 0,
    max: 2,
    step: 0.05,
    // Reliefs and flat lithophanes: islands and holes under (2 x nozzle)² are levelled in every layer so
    // the slicer has no specks to trace (heightmap-ops/slicer-friendly.ts).
    help: 'Smooths away details a nozzle this wide cannot print, so the slicer stays fast (0 = off).',
  },
  minHeightMm: { type: 'number', label: 'Lowest (dark)', unit: 'mm', default: 0, min: 0, max: 100, step: 0.1, slider: [0, 10] },
  maxHeightMm: { type: 'number', label: 'Highest (bright)', unit: 'mm', default: 3, min: 0, max: 100, step: 0.1, slider: [0.5, 20] },
  baseMm: { type: 'number', label: 'Base', unit: 'mm', default: 1.5, min: 0.2, max: 100, step: 0.1, slider: [0.4, 10] },
  minThicknessMm: {
    type: 'number',
    label: 'Thinnest (white)',
    unit: 'mm',
    default: 0.8,
    min: 0.2,
    max: 20,
    step: 0.1,
    slider: [0.4, 3],
  },
  maxThicknessMm: {
    type: 'number',
    label: 'Thickest (black)',
    unit: 'mm',
    default: 3.2,
    min: 0.3,
    max: 30,
    step: 0.1,
    slider: [1, 8],
  },
  arcDegrees: {
    type: 'number',
    label: 'Arc',
    unit: '°',
    default: 120,
    min: 10,
    max: 359,
    step: 5,
    slider: [30, 300],
    help: 'Arc: the angle the picture wraps. Dome: the cap’s angle from rim to rim (180 = a half sphere).',
  },
  openingMm: {
    type: 'number',
    label: 'Light opening',
    unit: 'mm',
    default: 40,
    min: 5,
    max: 300,
    step: 1,
    slider: [20, 80],
    help: 'Globe: the diameter of the hole at the bottom for a light (a tea light is 38 mm).',
  },
  frameMm: {
    type: 'number',
    label: 'Frame width',
    unit: 'mm',
    default: 0,
    min: 0,
    max: 100,
    step: 0.5,
    slider: [0, 15],
    help: 'A solid border (a cylinder: a ring at the bottom and the top, a base to stand on). 0 for none.',
  },
  frameThicknessMm: {
    type: 'number',
    label: 'Frame thickness',
    unit: 'mm',
    default: 4,
    min: 0.3,
    max: 30,
    step: 0.1,
    slider: [1, 10],
  },
  frameText: {
    type: 'text',
    label: 'Text on the frame',
    maxLength: FRAME_TEXT.maxCharacters,
    placeholder: 'Family 2026',
    help: `Flat, arc and cylinder lithophanes: one line in Noto Sans Bold on the frame (a ${FRAME_TEXT.frameMm} mm frame is added when there is none), shrunk to fit; letters under ${FRAME_TEXT.minLetterMm} mm are refused.`,
  },
  frameTextSide: {
    type: 'choice',
    label: 'Text on',
    default: 'bottom',
    options: choices(FRAME_TEXT_SIDES, { bottom: 'The bottom of the frame', top: 'The top of the frame' }),
  },
  frameTextStyle: {
    type: 'choice',
    label: 'Letters',
    default: 'engraved',
    options: choices(FRAME_TEXT_STYLES, {
      engraved: `Engraved ${FRAME_TEXT.reliefMm} mm (glow when lit)`,
      raised: `Raised ${FRAME_TEXT.reliefMm} mm`,
    }),
    help: `Engraving needs a frame at least ${FRAME_TEXT.reliefMm + FRAME_TEXT.floorMm} mm thick.`,
  },
  frameTextMm: {
    type: 'number',
    label: 'Letter height',
    unit: 'mm',
    min: FRAME_TEXT.minLetterMm,
    max: 100,
    step: 0.5,
    slider: [FRAME_TEXT.minLetterMm, 20],
    help: 'Height of the capitals; empty: as tall as the frame allows.',
  },
  stand: {
    type: 'boolean',
    label: 'Stand it upright in a foot',
    default: false,
    help: 'Flat lithophanes stand upright in a foot; an arc gets a foot plate under it.',
  },
  extrudeHeightMm: { type: 'number', label: 'Height', unit: 'mm', default: 3, min: 0.2, max: 100, step: 0.1, slider: [0.4, 20] },
  basePlateMm: {
    type: 'number',
    label: 'Base plate',
    unit: 'mm',
    default: 0,
    min: 0,
    max: 50,
    step: 0.1,
    slider: [0, 5],
    help: '0 for separate letters.',
  },
  threshold: {
    type: 'number',
    label: 'Threshold',
    default: 0.5,
    min: 0,
    max: 1,
    step: 0.01,
    slider: [0.05, 0.95],
    help: 'Pixels darker than this are solid.',
  },
  keychain: { type: 'boolean', label: 'Keychain ring', default: false },
  keychainHoleMm: { type: 'number', label: 'Ring hole', unit: 'mm', default: 4, min: 1, max: 20, step: 0.5, slider: [2, 12] },
  keychainPosition: {
    type: 'choice',
    label: 'Ring position',
    default: 'top',
    options: choices(KEYCHAIN_POSITIONS, {
      top: 'Top',
      'top-left': 'Top left',
      'top-right': 'Top right',
      left: 'Left',
      right: 'Right',
      bottom: 'Bottom',
    }),
  },
  cookieCutter: { type: 'boolean', label: 'Cookie cutter', default: false },
  cutterWallMm: { type: 'number', label: 'Wall', unit: 'mm', default: 0.8, min: 0.3, max: 5, step: 0.1, slider: [0.4, 3] },
  cutterHeightMm: { type: 'number', label: 'Cutter height', unit: 'mm', default: 12, min: 2, max: 100, step: 1, slider: [4, 40] },
  filaments: {
    type: 'list',
    label: 'Filaments',
    default: ['black', 'blue', 'yellow', 'white'],
    options: FILAMENT_LIBRARY.map((f) => ({ value: f.id, label: f.name })),
    minItems: 1,
    maxItems: 8,
    itemPattern: CUSTOM_FILAMENT_PATTERN,
    help: 'Colour reliefs: the filaments you will swap between, from the list or your own as Name:#RRGGBB:TD (TD: transmission distance, mm). Stacked dark to light. Colour lithophanes: the colour filaments (cyan, magenta, yellow), then the white texture filament, 2 to 4 in all.',
  },
  filament: {
    type: 'choice',
    label: 'Filament',
    default: 'white',
    options: FILAMENT_LIBRARY.map((f) => ({ value: f.id, label: f.name })),
    help: 'Lithophanes: the filament you will print in; the backlit preview shows its colour and translucency (TD).',
  },
  layerHeightMm: {
    type: 'number',
    label: 'Layer height',
    unit: 'mm',
    default: 0.08,
    min: 0.04,
    max: 0.4,
    step: 0.01,
    help: 'Colour reliefs: the layer height you will print at (first layer too); swaps fall on whole layers.',
  },
  swapMethod: {
    type: 'choice',
    label: 'Swap heights',
    default: 'optimised',
    options: choices(SWAP_METHODS, { optimised: 'Optimised for the photo', equal: 'Equal bands' }),
  },
  thickenToNozzle: {
    type: 'boolean',
    label: 'Thicken thin strokes to the nozzle',
    default: false,
    help: 'Strokes narrower than the nozzle are widened until they print; the rest of the outline stays put. On for keychains and cookie cutters.',
  },
  outline: {
    type: 'choice',
    label: 'Cut to the subject',
    default: 'auto',
    options: choices(OUTLINES, {
      auto: 'Automatic (transparency)',
      none: 'No: the whole picture',
      alpha: 'Transparent areas',
      colour: 'A background colour',
    }),
    help: 'Relief and flat lithophane: cut the solid to the picture’s subject, from its transparency or a background colour, the outline smoothed to the nozzle.',
  },
  backgroundColour: {
    type: 'colour',
    label: 'Background colour',
    default: '#ffffff',
    help: 'With outline "colour": pixels of about this colour are background (matched on brightness).',
  },
  backgroundTolerance: {
    type: 'number',
    label: 'Background tolerance',
    default: 0.1,
    min: 0,
    max: 1,
    step: 0.01,
    slider: [0, 0.5],
    help: 'With outline "colour": how far in brightness (0..1) a pixel may be from the background colour and still be background.',
  },
  buildPlateMm: {
    type: 'size3',
    label: 'Build volume',
    unit: 'mm',
    default: DEFAULT_BUILD_VOLUME_MM,
    max: 10_000,
    help: 'The printer’s x, y and z: a model that fits only turned gets a warning, one that fits no way round is refused.',
  },
  ...OUTPUT_FIELDS,
} as const satisfies Fields;
