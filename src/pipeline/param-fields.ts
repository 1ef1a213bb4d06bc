/**
 * The one field checker behind resolveImageParams and resolveMeshParams: merges input over the
 * defaults, refuses unknown keys (own keys only, so "__proto__" and "constructor" are unknown, not
 * a prototype lookup) and an input that is not a plain object (whatever its prototype carries
 * would otherwise be silently ignored), and checks ranges, whole numbers for counts, choices,
 * custom rules and primitive types. Problems are collected, not thrown one by one, so a user sees
 * every mistake in one answer.
 */
export type Range = readonly [number, number];

export interface FieldRules<T> {
  defaults: T;
  ranges: Partial<Record<keyof T, Range>>;
  enums: Partial<Record<keyof T, readonly string[]>>;
  /** Keys allowed although they have no default. */
  optional?: ReadonlySet<string>;
  /** Ranged keys that count something (triangles, samples): whole numbers only. */
  integers?: ReadonlySet<keyof T>;
  /** Per key: a problem sentence, or undefined when the value is fine. */
  custom?: Partial<Record<keyof T, (value: unknown) => string | undefined>>;
}

export function mergeFields<T extends object>(
  input: Record<string, unknown>,
  rules: FieldRules<T>,
): { merged: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  if (!isPlainObject(input)) problems.push('parameters must be a plain object of names and values');
  const merged: Record<string, unknown> = { ...(rules.defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(rules.defaults, key) && !rules.optional?.has(key)) {
      problems.push(`unknown parameter "${key}"`);
      continue;
    }
    const k = key as keyof T;
    const range = rules.ranges[k];
    const choices = rules.enums[k];
    const custom = rules.custom?.[k];
    let problem: string | undefined;
    if (range) {
      const whole = rules.integers?.has(k) ?? false;
      if (
        typeof value !== 'number' ||
        !Number.isFinite(value) ||
        value < range[0] ||
        value > range[1] ||
        (whole && !Number.isInteger(value))
      )
        problem = `${key} must be a ${whole ? 'whole number' : 'number'} from ${range[0]} to ${range[1]}`;
    } else if (choices) {
      if (typeof value !== 'string' || !choices.includes(value)) problem = `${key} must be one of ${choices.join(', ')}`;
    } else if (custom) {
      problem = custom(value);
    } else if (Object.hasOwn(rules.defaults, key) && typeof value !== typeof (rules.defaults as Record<string, unknown>)[key]) {
      problem = `${key} must be a ${typeof (rules.defaults as Record<string, unknown>)[key]}`;
    }
    if (problem) problems.push(problem);
    else merged[key] = value;
  }
  return { merged, problems };
}

/** A non-empty list drawn from `allowed`. */
export function listOf(name: string, allowed: readonly string[]): (value: unknown) => string | undefined {
  return (value) =>
    Array.isArray(value) && value.length > 0 && value.every((f) => allowed.includes(f))
      ? undefined
      : `${name} must be a non-empty list of ${allowed.join(', ')}`;
}

/** An object literal or JSON.parse output: its prototype is Object.prototype (or null), nothing else. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
