/**
 * Exact squared Euclidean distance transform of a binary grid (Felzenszwalb & Huttenlocher,
 * "Distance Transforms of Sampled Functions", 2012): one 1-D lower-envelope-of-parabolas pass
 * along x, then one along y, O(pixels). Used by the 2-D printability checks (feature-width.ts,
 * thicken): distances between pixel centres, in pixels², to the nearest pixel where `target` is 1.
 * Pixels with no target anywhere get Infinity.
 */

/** Squared distance (px²) from every pixel to the nearest pixel with target[i] === 1. */
export function squaredDistanceTo(target: Uint8Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = target[i] ? 0 : Infinity;
  const longest = Math.max(width, height);
  const f = new Float64Array(longest);
  const d = new Float64Array(longest);
  const v = new Int32Array(longest);
  const z = new Float64Array(longest + 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = out[y * width + x];
    envelope(f, width, d, v, z);
    for (let x = 0; x < width; x++) out[y * width + x] = d[x];
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = out[y * width + x];
    envelope(f, height, d, v, z);
    for (let y = 0; y < height; y++) out[y * width + x] = d[y];
  }
  return out;
}

/** Squared distance from every pixel to the nearest pixel where `mask` is 0 (0 outside the mask). */
export function squaredDistanceToBackground(mask: Uint8Array, width: number, height: number): Float32Array {
  const background = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) background[i] = mask[i] ? 0 : 1;
  return squaredDistanceTo(background, width, height);
}

/** 1-D pass: d[q] = min_p (q - p)² + f[p], over the lower envelope of the parabolas rooted at finite f. */
function envelope(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      if (k < 0) break;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) d[q] = Infinity;
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1] < q) j++;
    d[q] = (q - v[j]) * (q - v[j]) + f[v[j]];
  }
}
