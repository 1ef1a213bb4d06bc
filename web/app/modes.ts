/**
 * What the create page offers, from the server: GET /api/v1/modes serves every mode, its presets
 * (a lithophane's shapes, an extrusion's keychain or cookie cutter) and each field's type, unit,
 * default, range, label and help, from the one catalogue the server validates jobs with
 * (src/pipeline/catalog). Here it only becomes the page's choices and controls.
 */
import { api } from './api.ts';
import type { PaletteSpec } from './palette.ts';

/** A field as GET /api/v1/modes describes it. */
export interface ApiField {
  type: 'number' | 'boolean' | 'choice' | 'list' | 'size3' | 'colour' | 'text';
  label: string;
  help?: string;
  unit?: string;
  default?: number | boolean | string | Array<string | number>;
  min?: number;
  max?: number;
  integer?: boolean;
  step?: number;
  slider?: [number, number];
  options?: Array<{ value: string; label: string }>;
  minItems?: number;
  maxItems?: number;
  itemPattern?: string;
  /** type text: one line of at most this many characters, and an example for the empty box. */
  maxLength?: number;
  placeholder?: string;
}
export interface ApiPreset {
  id: string;
  title: string;
  blurb: string;
  fixed: Record<string, unknown>;
  defaults: Record<string, unknown>;
  fields: string[];
}
export interface ModeCatalog {
  modes: Array<{ mode: string; title: string; input: Input; fieldSet: Input; presets: ApiPreset[] }>;
  /** `text`: the text mode's fields (servers before it have none). */
  fields: { image: Record<string, ApiField>; mesh: Record<string, ApiField>; text?: Record<string, ApiField> };
  filaments?: Array<{ id: string; name: string; hex: string; tdMm: number }>;
  geometry: {
    basePlateMarginMm: number;
    keychainRingWidthMm: number;
    keychainDirections: Record<string, [number, number]>;
    stand: { footHeightMm: number; footDepthMm: number; embedMm: number };
    cutterFlangeMm: number;
    cutterFlangeHeightMm: number;
    /** Light lost per mm of lithophane (Beer-Lambert), for the backlit view. */
    lithophaneAttenuationPerMm: number;
    /** Lithophane frame text (servers before it have none): the frame added for it, relief, margin, smallest capitals, mm. */
    frameText?: { frameMm: number; reliefMm: number; marginMm: number; minLetterMm: number };
  };
}

export type Choice = string;
/** What a choice reads: a picture, a 3D file, or typed text (no file). */
export type Input = 'image' | 'mesh' | 'text';

export interface ChoiceInfo {
  id: Choice;
  title: string;
  blurb: string;
  input: Input;
  mode: string;
  /** Fixed parameters this choice implies. */
  fixed: Record<string, unknown>;
  /** Starting values this choice sets when picked (the user may change them). */
  defaults: Record<string, unknown>;
  params: string[];
  /** The controls of this choice's fields, by name. */
  specs: Record<string, ParamSpec>;
}

export interface NumberSpec {
  kind: 'number';
  label: string;
  unit?: string;
  /** What the API accepts. */
  min: number;
  max: number;
  /** The span the slider offers. */
  sliderMin: number;
  sliderMax: number;
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
/** One line of free text (blank: left out). */
export interface TextSpec {
  kind: 'text';
  label: string;
  maxLength: number;
  placeholder?: string;
  value: string;
  hint?: string;
}
export type ParamSpec = NumberSpec | BooleanSpec | SelectSpec | PaletteSpec | TextSpec;

let catalog: Promise<ModeCatalog> | null = null;

/** The catalogue, fetched once per page load (the server marks it cacheable). */
export function loadModes(): Promise<ModeCatalog> {
  catalog ??= api.get<ModeCatalog>('/api/v1/modes').catch((error: unknown) => {
    catalog = null;
    throw error;
  });
  return catalog;
}

/** The create page's choices: one per preset, with the controls of its fields. */
export function choicesOf(modes: ModeCatalog): ChoiceInfo[] {
  return modes.modes.flatMap((entry) =>
    entry.presets.map((preset) => ({
      id: preset.id,
      title: preset.title,
      blurb: preset.blurb,
      input: entry.input,
      mode: entry.mode,
      fixed: preset.fixed,
      defaults: preset.defaults,
      params: preset.fields,
      specs: Object.fromEntries(preset.fields.map((key) => [key, specOf(modes.fields[entry.fieldSet]![key])])),
    })),
  );
}

/** Every field's starting value (its default; blank for optional ones). */
export function startingValues(modes: ModeCatalog): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  // The text fields first: where a name is shared (widthMm), the image field's default is the one shown.
  for (const fields of [modes.fields.text ?? {}, modes.fields.mesh, modes.fields.image])
    for (const [key, field] of Object.entries(fields)) values[key] = specOf(field).value;
  return values;
}

function specOf(field: ApiField): ParamSpec {
  const hint = field.help;
  if (field.type === 'boolean') return { kind: 'boolean', label: field.label, value: field.default === true, hint };
  if (field.type === 'choice') {
    const options: Array<[string, string]> = (field.options ?? []).map((o) => [o.value, o.label]);
    if (field.default === undefined) options.unshift(['', 'Default']);
    return { kind: 'select', label: field.label, options, value: typeof field.default === 'string' ? field.default : '', hint };
  }
  if (field.type === 'text')
    return {
      kind: 'text',
      label: field.label,
      maxLength: field.maxLength ?? 200,
      placeholder: field.placeholder,
      value: typeof field.default === 'string' ? field.default : '',
      hint,
    };
  if (field.type === 'list') {
    const value = Array.isArray(field.default) ? field.default.map(String) : [];
    const options: Array<[string, string]> = (field.options ?? []).map((o) => [o.value, o.label]);
    return {
      kind: 'palette',
      label: field.label,
      options,
      value,
      min: field.minItems ?? 1,
      max: field.maxItems ?? options.length,
      pattern: field.itemPattern,
      hint,
    };
  }
  const min = field.min ?? 0;
  const max = field.max ?? 0;
  return {
    kind: 'number',
    label: field.label,
    unit: field.unit,
    min,
    max,
    sliderMin: field.slider?.[0] ?? min,
    sliderMax: field.slider?.[1] ?? max,
    step: field.step ?? 0.1,
    value: typeof field.default === 'number' ? field.default : 0,
    hint,
    optional: field.default === undefined,
  };
}

/** The files a user can tick: the API's output formats but GLB, which every job gets for the 3D viewer. */
export function formatsOf(modes: ModeCatalog): Array<[string, string]> {
  return (modes.fields.image.formats?.options ?? []).filter((o) => o.value !== 'glb').map((o) => [o.value, o.label]);
}

export const MODE_LABELS: Record<string, string> = {
  lithophane: 'Lithophane',
  relief: 'Relief',
  'colour-relief': 'Colour relief',
  'colour-lithophane': 'Colour lithophane',
  extrude: 'Logo extrusion',
  repair: 'Repair',
  convert: 'Convert',
  text: 'Text',
  'ai-image': 'AI from image',
  'ai-text': 'AI from text',
};

export function describeJob(mode: string, params: Record<string, unknown>): string {
  if (mode === 'lithophane') return `${String(params.shape ?? 'flat').replace(/^./, (c) => c.toUpperCase())} lithophane`;
  if (mode === 'extrude') return params.cookieCutter ? 'Cookie cutter' : params.keychain ? 'Keychain' : 'Logo extrusion';
  if (mode === 'text' && typeof params.textStyle === 'string') return `Text ${params.textStyle}`;
  return MODE_LABELS[mode] ?? mode;
}
