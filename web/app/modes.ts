/**
 * What the create page offers: the kinds of result (a mode and its variant) and the parameters
 * each one shows, with the API's names, defaults and ranges (src/pipeline/params.ts and
 * mesh-params.ts are the authority: the dry run validates every change against them).
 */
export type Choice =
  | 'lithophane-flat'
  | 'lithophane-arc'
  | 'lithophane-cylinder'
  | 'relief'
  | 'extrude'
  | 'keychain'
  | 'cookie-cutter'
  | 'repair'
  | 'convert';

export interface ChoiceInfo {
  id: Choice;
  title: string;
  blurb: string;
  input: 'image' | 'mesh';
  mode: 'lithophane' | 'relief' | 'extrude' | 'repair' | 'convert';
  /** Fixed parameters this choice implies. */
  fixed: Record<string, unknown>;
  /** Starting values this choice sets when picked (the user may change them). */
  defaults?: Record<string, unknown>;
  params: string[];
}

export const CHOICES: ChoiceInfo[] = [
  {
    id: 'lithophane-flat',
    title: 'Flat lithophane',
    blurb: 'A thin plate that shows the photo when lit from behind.',
    input: 'image',
    mode: 'lithophane',
    fixed: { shape: 'flat' },
    params: ['widthMm', 'minThicknessMm', 'maxThicknessMm', 'frameMm', 'invert', 'autoLevel', 'gamma'],
  },
  {
    id: 'lithophane-arc',
    title: 'Arc lithophane',
    blurb: 'The photo curved round part of a cylinder; stands by itself.',
    input: 'image',
    mode: 'lithophane',
    fixed: { shape: 'arc' },
    params: ['widthMm', 'arcDegrees', 'minThicknessMm', 'maxThicknessMm', 'invert', 'autoLevel', 'gamma'],
  },
  {
    id: 'lithophane-cylinder',
    title: 'Cylinder lithophane',
    blurb: 'A lamp shade: the photo all the way round.',
    input: 'image',
    mode: 'lithophane',
    fixed: { shape: 'cylinder' },
    params: ['widthMm', 'minThicknessMm', 'maxThicknessMm', 'invert', 'autoLevel', 'gamma'],
  },
  {
    id: 'relief',
    title: 'Relief',
    blurb: 'Brightness becomes height on a flat base.',
    input: 'image',
    mode: 'relief',
    fixed: {},
    params: ['widthMm', 'baseMm', 'minHeightMm', 'maxHeightMm', 'invert', 'autoLevel', 'gamma'],
  },
  {
    id: 'extrude',
    title: 'Logo extrusion',
    blurb: 'Dark shapes on a light background, raised into a solid.',
    input: 'image',
    mode: 'extrude',
    fixed: { keychain: false, cookieCutter: false },
    params: ['widthMm', 'extrudeHeightMm', 'basePlateMm', 'threshold', 'invert'],
  },
  {
    id: 'keychain',
    title: 'Keychain',
    blurb: 'A logo extrusion with a ring for a key ring.',
    input: 'image',
    mode: 'extrude',
    fixed: { keychain: true, cookieCutter: false },
    // One piece by default: a plate joins letters that do not touch (the pipeline's keychain default).
    defaults: { basePlateMm: 1.2 },
    params: ['widthMm', 'extrudeHeightMm', 'basePlateMm', 'threshold', 'keychainHoleMm', 'keychainPosition', 'invert'],
  },
  {
    id: 'cookie-cutter',
    title: 'Cookie cutter',
    blurb: 'A thin wall following the outline of the shape.',
    input: 'image',
    mode: 'extrude',
    fixed: { cookieCutter: true, keychain: false },
    params: ['widthMm', 'threshold', 'cutterWallMm', 'cutterHeightMm', 'invert'],
  },
  {
    id: 'repair',
    title: 'Repair a 3D file',
    blurb: 'Close holes, fix flipped faces, check it prints.',
    input: 'mesh',
    mode: 'repair',
    fixed: {},
    params: ['units', 'targetSizeMm', 'orient', 'minWallMm', 'fillHoles', 'resolveSelfIntersections'],
  },
  {
    id: 'convert',
    title: 'Convert a 3D file',
    blurb: 'Another format, in millimetres, checked.',
    input: 'mesh',
    mode: 'convert',
    fixed: {},
    params: ['units', 'targetSizeMm'],
  },
];

export interface NumberSpec {
  kind: 'number';
  label: string;
  unit?: string;
  min: number;
  max: number;
  step: number;
  value: number;
  hint?: string;
  /** Blank is allowed (the parameter is left out). */
  optional?: boolean;
}
export interface BooleanSpec {
  kind: 'boolean';
  label: string;
  value: boolean;
  hint?: string;
}
export interface SelectSpec {
  kind: 'select';
  label: string;
  options: Array<[string, string]>;
  value: string;
  hint?: string;
}
export type ParamSpec = NumberSpec | BooleanSpec | SelectSpec;

export const PARAMS: Record<string, ParamSpec> = {
  widthMm: {
    kind: 'number',
    label: 'Width',
    unit: 'mm',
    min: 10,
    max: 300,
    step: 1,
    value: 100,
    hint: 'The picture’s width on the print; height follows its aspect ratio.',
  },
  minThicknessMm: { kind: 'number', label: 'Thinnest (white)', unit: 'mm', min: 0.4, max: 3, step: 0.1, value: 0.8 },
  maxThicknessMm: { kind: 'number', label: 'Thickest (black)', unit: 'mm', min: 1, max: 8, step: 0.1, value: 3.2 },
  arcDegrees: { kind: 'number', label: 'Arc', unit: '°', min: 30, max: 300, step: 5, value: 120 },
  frameMm: { kind: 'number', label: 'Frame width', unit: 'mm', min: 0, max: 15, step: 0.5, value: 0, hint: '0 for no frame.' },
  baseMm: { kind: 'number', label: 'Base', unit: 'mm', min: 0.4, max: 10, step: 0.1, value: 1.5 },
  minHeightMm: { kind: 'number', label: 'Lowest (dark)', unit: 'mm', min: 0, max: 10, step: 0.1, value: 0 },
  maxHeightMm: { kind: 'number', label: 'Highest (bright)', unit: 'mm', min: 0.5, max: 20, step: 0.1, value: 3 },
  extrudeHeightMm: { kind: 'number', label: 'Height', unit: 'mm', min: 0.4, max: 20, step: 0.1, value: 3 },
  basePlateMm: { kind: 'number', label: 'Base plate', unit: 'mm', min: 0, max: 5, step: 0.1, value: 0, hint: '0 for separate letters.' },
  threshold: {
    kind: 'number',
    label: 'Threshold',
    min: 0.05,
    max: 0.95,
    step: 0.01,
    value: 0.5,
    hint: 'Pixels darker than this are solid.',
  },
  keychainHoleMm: { kind: 'number', label: 'Ring hole', unit: 'mm', min: 2, max: 12, step: 0.5, value: 4 },
  keychainPosition: {
    kind: 'select',
    label: 'Ring position',
    value: 'top',
    options: [
      ['top', 'Top'],
      ['top-left', 'Top left'],
      ['top-right', 'Top right'],
      ['left', 'Left'],
      ['right', 'Right'],
      ['bottom', 'Bottom'],
    ],
  },
  cutterWallMm: { kind: 'number', label: 'Wall', unit: 'mm', min: 0.4, max: 3, step: 0.1, value: 0.8 },
  cutterHeightMm: { kind: 'number', label: 'Cutter height', unit: 'mm', min: 4, max: 40, step: 1, value: 12 },
  invert: { kind: 'boolean', label: 'Invert brightness', value: false },
  autoLevel: { kind: 'boolean', label: 'Stretch contrast (auto level)', value: false },
  gamma: {
    kind: 'number',
    label: 'Gamma',
    min: 0.3,
    max: 3,
    step: 0.05,
    value: 1,
    hint: 'Above 1 darkens mid-tones, below 1 lightens them.',
  },
  units: {
    kind: 'select',
    label: 'File units',
    value: '',
    options: [
      ['', 'As the file says'],
      ['mm', 'Millimetres'],
      ['cm', 'Centimetres'],
      ['m', 'Metres'],
      ['in', 'Inches'],
    ],
  },
  targetSizeMm: {
    kind: 'number',
    label: 'Longest side',
    unit: 'mm',
    min: 1,
    max: 1000,
    step: 1,
    value: 0,
    optional: true,
    hint: 'Leave blank to keep the size.',
  },
  orient: {
    kind: 'select',
    label: 'Orientation',
    value: 'keep',
    options: [
      ['keep', 'Keep as it is'],
      ['flat-base', 'Lay it on its flattest side'],
    ],
  },
  minWallMm: { kind: 'number', label: 'Thinnest printable wall', unit: 'mm', min: 0, max: 5, step: 0.1, value: 0.4 },
  fillHoles: { kind: 'boolean', label: 'Fill holes', value: true },
  resolveSelfIntersections: {
    kind: 'boolean',
    label: 'Rebuild self-crossing surfaces',
    value: true,
    hint: 'A surface that passes through itself is remeshed; detail under about 1% of the size is lost.',
  },
};

export const FORMATS: Array<[string, string]> = [
  ['stl', 'STL'],
  ['3mf', '3MF'],
  ['obj', 'OBJ'],
];

export const MODE_LABELS: Record<string, string> = {
  lithophane: 'Lithophane',
  relief: 'Relief',
  extrude: 'Logo extrusion',
  repair: 'Repair',
  convert: 'Convert',
  'ai-image': 'AI from image',
  'ai-text': 'AI from text',
};

export function describeJob(mode: string, params: Record<string, unknown>): string {
  if (mode === 'lithophane') return `${String(params.shape ?? 'flat').replace(/^./, (c) => c.toUpperCase())} lithophane`;
  if (mode === 'extrude') return params.cookieCutter ? 'Cookie cutter' : params.keychain ? 'Keychain' : 'Logo extrusion';
  return MODE_LABELS[mode] ?? mode;
}
