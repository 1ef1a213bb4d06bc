/** CLI flags -> a validated job description. Flag names are the kebab-case of the params. */
import { parseArgs } from 'node:util';
import type { OutputFormat } from '../pipeline/params.ts';
import { IMAGE_FIELDS } from '../pipeline/catalog/image-fields.ts';
import { TEXT_FIELDS } from '../pipeline/catalog/text-fields.ts';
import { IMAGE_JOB_DEFAULTS, OUTPUT_FORMATS } from '../pipeline/params.ts';

export class UsageError extends Error {}

export interface CliRequest {
  input: string;
  outputs: Array<{ path: string; format: OutputFormat }>;
  preview?: string;
  backlit?: string;
  /** Colour relief: the predicted print (PNG) and the swap sheet (JSON). */
  colourPreview?: string;
  swapSheet?: string;
  report?: string;
  quiet: boolean;
  params: Record<string, unknown>;
  /** Text mode: the text to print (no input file), and a TrueType file instead of the bundled font. */
  text?: string;
  font?: string;
}

/** Every numeric image parameter is a flag (kebab-case of its name), from the one field catalogue; then the mesh ones the CLI offers. */
const NUMBER_FLAGS: readonly string[] = [
  ...Object.entries(IMAGE_FIELDS)
    .filter(([, field]) => field.type === 'number')
    .map(([name]) => kebab(name)),
  'target-size-mm',
  'min-wall-mm',
  // Text mode's own sizes (its width is --width-mm).
  ...Object.entries(TEXT_FIELDS)
    .filter(([name, field]) => field.type === 'number' && !(name in IMAGE_FIELDS))
    .map(([name]) => kebab(name)),
];
const STRING_FLAGS = [
  'mode',
  'shape',
  'keychain-position',
  'units',
  'orient',
  'up-axis',
  'swap-method',
  'outline',
  'background-colour',
  'text-style',
  'filament',
  'frame-text-side',
  'frame-text-style',
  // Free-text fields of the catalogue (--frame-text "Family 2026").
  ...Object.entries(IMAGE_FIELDS)
    .filter(([, field]) => field.type === 'text')
    .map(([name]) => kebab(name)),
];
/** `--build-plate-mm 250x210x210` (or one number for a cube): the build volume the plate check uses. */
const SIZE_FLAGS = ['build-plate-mm'] as const;
/** Flags that only mean something for 3D-file input (the CLI routes them by the input's content). */
export const MESH_ONLY_PARAMS = ['units', 'orient', 'upAxis', 'targetSizeMm', 'minWallMm', 'fillInnerShells'] as const;
const BOOLEAN_FLAGS = ['invert', 'auto-level', 'stand', 'keychain', 'cookie-cutter', 'fill-inner-shells', 'thicken-to-nozzle'] as const;

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function parseCli(argv: string[]): CliRequest | 'help' | 'version' {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    output: { type: 'string', short: 'o', multiple: true },
    preview: { type: 'string' },
    backlit: { type: 'string' },
    'colour-preview': { type: 'string' },
    'swap-sheet': { type: 'string' },
    filaments: { type: 'string' },
    report: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    text: { type: 'string' },
    font: { type: 'string' },
  };
  for (const f of [...NUMBER_FLAGS, ...STRING_FLAGS, ...SIZE_FLAGS]) options[f] = { type: 'string' };
  for (const f of BOOLEAN_FLAGS) options[f] = { type: 'boolean' };

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joinNegativeNumbers(argv), options, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (v.help) return 'help';
  if (v.version) return 'version';
  const text = v.text as string | undefined;
  if (text !== undefined && parsed.positionals.length > 0) throw new UsageError('--text makes the model from the text: give no input file');
  if (text === undefined && parsed.positionals.length !== 1)
    throw new UsageError(parsed.positionals.length === 0 ? 'give one input file (or --text "...")' : 'give exactly one input file');
  if (text === undefined && (v.font !== undefined || v['text-style'] !== undefined))
    throw new UsageError('--font and --text-style go with --text');
  const outputs = ((v.output as string[] | undefined) ?? []).map((path) => {
    const ext = path.toLowerCase().split('.').pop() ?? '';
    if (!(OUTPUT_FORMATS as readonly string[]).includes(ext))
      throw new UsageError(`cannot tell the format of ${path}: use .stl, .3mf, .glb or .obj`);
    return { path, format: ext as OutputFormat };
  });
  if (outputs.length === 0 && !v.preview && !v.report && !v['colour-preview'] && !v['swap-sheet'])
    throw new UsageError('give an output with -o out.stl (or .3mf, .glb, .obj)');

  const params: Record<string, unknown> = {};
  for (const f of NUMBER_FLAGS) {
    if (v[f] === undefined) continue;
    const n = Number(v[f]);
    if (!Number.isFinite(n)) throw new UsageError(`--${f} needs a number, not "${String(v[f])}"`);
    params[camel(f)] = n;
  }
  for (const f of STRING_FLAGS) if (v[f] !== undefined) params[camel(f)] = v[f];
  for (const f of SIZE_FLAGS) if (v[f] !== undefined) params[camel(f)] = parseSize3(f, String(v[f]));
  for (const f of BOOLEAN_FLAGS) if (v[f] !== undefined) params[camel(f)] = v[f];
  // `--filaments black,blue,"My red:#C01020:2.1"`: ids or Name:#RRGGBB:TD, comma separated.
  if (typeof v.filaments === 'string')
    params.filaments = v.filaments
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f.length > 0);
  params.formats = outputs.length > 0 ? outputs.map((o) => o.format) : IMAGE_JOB_DEFAULTS.formats;
  params.previews = Boolean(v.preview || v.backlit || v['colour-preview']);
  return {
    input: parsed.positionals[0] ?? '',
    text,
    font: v.font as string | undefined,
    outputs,
    preview: v.preview as string | undefined,
    backlit: v.backlit as string | undefined,
    colourPreview: v['colour-preview'] as string | undefined,
    swapSheet: v['swap-sheet'] as string | undefined,
    report: v.report as string | undefined,
    quiet: Boolean(v.quiet),
    params,
  };
}

/** "250x210x210", "250×210×210", "250,210,210" or "250" (a cube) -> three sizes; the range is checked with the other parameters. */
export function parseSize3(flag: string, text: string): [number, number, number] {
  const parts = text.split(/[x×,*]/i).map((p) => p.trim());
  const sizes = parts.map(Number);
  if (!(parts.length === 1 || parts.length === 3) || parts.some((p) => p === '') || !sizes.every(Number.isFinite))
    throw new UsageError(`--${flag} needs W×D×H in mm (e.g. 250x210x210) or one number, not "${text}"`);
  return sizes.length === 1 ? [sizes[0], sizes[0], sizes[0]] : [sizes[0], sizes[1], sizes[2]];
}

/**
 * `--width-mm -5` is a flag with a negative value, not two flags: node's parseArgs would call it
 * ambiguous, so such a pair becomes `--width-mm=-5` and the parameter check says what is wrong.
 */
function joinNegativeNumbers(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = argv[i + 1];
    if (flag.startsWith('--') && NUMBER_FLAGS.includes(flag.slice(2)) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${flag}=${next}`);
      i++;
    } else out.push(flag);
  }
  return out;
}
