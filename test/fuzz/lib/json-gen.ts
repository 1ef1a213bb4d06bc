/** Random JSON for fuzzing request bodies: wrong types, deep nesting, huge strings, prototype keys. */
import type { Rng } from './prng.ts';

export const WEIRD_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'a'.repeat(300), '\u0000', '💥'];

export function weirdScalar(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => 0,
    () => -1,
    () => 1,
    () => 2 ** 31,
    () => 2 ** 32 - 1,
    () => 2 ** 53 + 1,
    () => 1e308,
    () => -1e308,
    () => 5e-324,
    () => 0.5,
    () => -0,
    () => '',
    () => 'x',
    () => '0',
    () => 'NaN',
    () => 'true',
    () => 'null',
    () => '<script>',
    () => '\u0000\uffff',
    () => '💥'.repeat(rng.int(50)),
    () => true,
    () => false,
    () => null,
    () => [],
    () => ({}),
  ])();
}

/** A random JSON value up to `depth` levels. */
export function randomJson(rng: Rng, depth = 4, keys: readonly string[] = []): unknown {
  if (depth <= 0 || rng.bool(0.4)) return weirdScalar(rng);
  if (rng.bool(0.5)) return Array.from({ length: rng.int(5) }, () => randomJson(rng, depth - 1, keys));
  const out: Record<string, unknown> = {};
  for (let i = rng.int(6); i > 0; i--) {
    const key = rng.bool(0.6) && keys.length > 0 ? rng.pick(keys) : rng.bool(0.3) ? rng.pick(WEIRD_KEYS) : `k${rng.int(100)}`;
    // Own properties even for "__proto__", as JSON.parse makes them.
    Object.defineProperty(out, key, { value: randomJson(rng, depth - 1, keys), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** JSON text nested n levels deep ([[[...]]] or {"a":{"a":...}}), built as text (stringify would overflow). */
export function deepJson(rng: Rng, n: number): string {
  if (rng.bool()) return '['.repeat(n) + ']'.repeat(n);
  return `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
}

/** Text of a JSON value where `__proto__` keys stay own properties once parsed (as from a client). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v) => v);
}
