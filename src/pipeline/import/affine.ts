/**
 * 3MF transforms: twelve numbers "m00 m01 m02 m10 m11 m12 m20 m21 m22 m30 m31 m32", applied to
 * ROW vectors: p' = [x y z 1] * M, so the last three are the translation.
 */
export type Affine = readonly number[]; // length 12

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0];

/** Parses a 3MF transform attribute; undefined if it is not twelve finite numbers. */
export function parseAffine(text: string): Affine | undefined {
  const parts = text.trim().split(/\s+/).map(Number);
  return parts.length === 12 && parts.every(Number.isFinite) ? parts : undefined;
}

/** The transform that applies `first`, then `second`. */
export function thenApply(first: Affine, second: Affine): Affine {
  const out = new Array<number>(12);
  for (let row = 0; row < 4; row++) {
    for (let col = 0; col < 3; col++) {
      let sum = row === 3 ? second[9 + col] : 0;
      for (let k = 0; k < 3; k++) sum += first[row * 3 + k] * second[k * 3 + col];
      out[row * 3 + col] = sum;
    }
  }
  return out;
}

export function determinant(m: Affine): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}
