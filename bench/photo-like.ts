/**
 * A generated photo-like picture for benchmarks: a diagonal gradient, a few soft blobs and per-pixel
 * noise, 8-bit grey PNG. Noise is what makes real photos expensive to mesh (60-90% of the full grid,
 * DESIGN.md), so this sits near the worst case the pipeline meets. Seeded, so runs compare.
 */
import sharp from 'sharp';

export async function photoLikePng(width: number, height = width, seed = 1): Promise<Uint8Array> {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const blobs = Array.from({ length: 6 }, () => ({
    x: random() * width,
    y: random() * height,
    r: (0.1 + random() * 0.25) * width,
    a: random() - 0.5,
  }));
  const raw = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0.25 + 0.5 * ((x / width + y / height) / 2);
      for (const b of blobs) {
        const d2 = ((x - b.x) ** 2 + (y - b.y) ** 2) / (b.r * b.r);
        v += b.a * Math.exp(-d2);
      }
      v += (random() - 0.5) * 0.12;
      raw[y * width + x] = Math.max(0, Math.min(255, Math.round(v * 255)));
    }
  }
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 1 } })
      .png()
      .toBuffer(),
  );
}
