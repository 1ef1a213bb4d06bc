/**
 * Text formats (3MF, OBJ) print float32 millimetres. Choice: the SHORTEST decimal that reads back
 * as the same float32, which needs 6 to 9 significant digits. Fixed "6 significant digits" would
 * move a 123.4567 mm coordinate by 0.3 µm: harmless for a printer, but then the 3MF is not the
 * solid that manifold checked and the STL holds, and near-degenerate slivers could flip. Exact
 * costs a few bytes per number before deflate; trying 6 digits first keeps round values short
 * ("10", "0.5") and keeps the usual case at one or two toPrecision calls.
 */
const f32 = Math.fround;

export function formatFloat32(value: number): string {
  if (value === 0) return '0'; // also turns -0 into 0
  const target = f32(value);
  for (let digits = 6; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (f32(Number(text)) === target) return trimZeros(text);
  }
  return trimZeros(value.toPrecision(9)); // 9 significant digits always round-trip a float32
}

/** "1.50000" -> "1.5", "2.00000e-7" -> "2e-7", "120.000" -> "120". */
function trimZeros(text: string): string {
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? '' : text.slice(e).replace('+', '');
  if (mantissa.indexOf('.') < 0) return mantissa + exponent;
  let end = mantissa.length;
  while (mantissa.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (mantissa.charCodeAt(end - 1) === 46 /* . */) end--;
  return mantissa.slice(0, end) + exponent;
}
