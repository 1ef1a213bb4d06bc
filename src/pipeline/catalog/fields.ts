/**
 * The declarative description of a job parameter: its type, unit, default, accepted range and the
 * words a person reads (label, help). One record per parameter, from which the defaults, the
 * checks (param-fields.ts), the CLI flags, the API's GET /api/v1/modes and the web app's controls
 * are derived, so a default or a limit is written once.
 */
import { listOf } from '../param-fields.ts';
import type { FieldRules } from '../param-fields.ts';

interface FieldBase {
  label: string;
  help?: string;
}

export interface NumberField extends FieldBase {
  type: 'number';
  unit?: string;
  /** Absent: the parameter is optional (left out unless given). */
  default?: number;
  /** What the API accepts. */
  min: number;
  max: number;
  /** Counts (triangles, samples): whole numbers only. */
  integer?: boolean;
  /** A control's step and the range a slider spans (the API accepts min..max). */
  step?: number;
  slider?: readonly [number, number];
}

export interface BooleanField extends FieldBase {
  type: 'boolean';
  default?: boolean;
}

export interface ChoiceField extends FieldBase {
  type: 'choice';
  default?: string;
  options: ReadonlyArray<{ value: string; label: string }>;
}

/** A non-empty list drawn from the options (output formats). */
export interface ListField extends FieldBase {
  type: 'list';
  default: readonly string[];
  options: ReadonlyArray<{ value: string; label: string }>;
  /** How many items (default: at least one, no upper bound). */
  minItems?: number;
  maxItems?: number;
  /** Items outside the options are accepted when they match this regular expression (a user's own filament). */
  itemPattern?: string;
}

/** Three sizes x, y, z (a build volume), each in (0, max]. */
export interface SizeField extends FieldBase {
  type: 'size3';
  unit: 'mm';
  default: readonly [number, number, number];
  max: number;
}

/** A colour as '#rrggbb'. */
export interface ColourField extends FieldBase {
  type: 'colour';
  default: string;
}

export type Field = NumberField | BooleanField | ChoiceField | ListField | SizeField | ColourField;
export type Fields = Record<string, Field>;

export function choices<const T extends string>(values: readonly T[], labels: Partial<Record<T, string>> = {}) {
  return values.map((value) => ({ value, label: labels[value] ?? value }));
}

export function valuesOf(field: ChoiceField | ListField): string[] {
  return field.options.map((o) => o.value);
}

/** The merge-and-check rules of a set of fields: defaults, ranges, choices, optional keys, counts, lists. */
export function rulesOf<T extends object>(fields: Fields): FieldRules<T> {
  const defaults: Record<string, unknown> = {};
  const ranges: Record<string, readonly [number, number]> = {};
  const enums: Record<string, readonly string[]> = {};
  const optional = new Set<string>();
  const integers = new Set<string>();
  const custom: Record<string, (value: unknown) => string | undefined> = {};
  for (const [key, field] of Object.entries(fields)) {
    if (field.default === undefined) optional.add(key);
    else defaults[key] = Array.isArray(field.default) ? [...field.default] : field.default;
    if (field.type === 'number') {
      ranges[key] = [field.min, field.max];
      if (field.integer) integers.add(key);
    } else if (field.type === 'choice') enums[key] = valuesOf(field);
    else if (field.type === 'list')
      custom[key] = field.itemPattern || field.minItems || field.maxItems ? openListOf(key, field) : listOf(key, valuesOf(field));
    else if (field.type === 'size3') custom[key] = sizeOf(key, field.max);
    else if (field.type === 'colour') custom[key] = colourOf(key);
    else if (field.default === undefined) custom[key] = (value) => (typeof value === 'boolean' ? undefined : `${key} must be a boolean`);
  }
  return { defaults: defaults as T, ranges, enums, optional, integers: integers as Set<keyof T>, custom } as FieldRules<T>;
}

/** The defaults of a set of fields (optional ones left out); lists and sizes are fresh copies. */
export function defaultsOf(fields: Fields): Record<string, unknown> {
  return rulesOf<Record<string, unknown>>(fields).defaults;
}

/** A list whose items come from the options or match the field's pattern, within its item counts. */
function openListOf(name: string, field: ListField): (value: unknown) => string | undefined {
  const allowed = valuesOf(field);
  const pattern = field.itemPattern ? new RegExp(field.itemPattern) : undefined;
  const min = field.minItems ?? 1;
  const max = field.maxItems ?? Number.POSITIVE_INFINITY;
  return (value) =>
    Array.isArray(value) &&
    value.length >= min &&
    value.length <= max &&
    value.every((v) => typeof v === 'string' && (allowed.includes(v) || pattern?.test(v)))
      ? undefined
      : `${name} must be a list of ${min}${Number.isFinite(max) ? ` to ${max}` : ' or more'} of ${allowed.join(', ')}${pattern ? ` or items matching ${field.itemPattern}` : ''}`;
}

function colourOf(name: string): (value: unknown) => string | undefined {
  return (value) => (typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value) ? undefined : `${name} must be a colour '#rrggbb'`);
}

function sizeOf(name: string, max: number): (value: unknown) => string | undefined {
  return (value) =>
    Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number' && v > 0 && v <= max)
      ? undefined
      : `${name} must be three sizes in mm (x, y, z), each up to ${max}`;
}
