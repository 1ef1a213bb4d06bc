/**
 * Fuzz targets for pictures: sharp's header read (what the upload endpoint does) and the decode
 * stage with our limits (what a job does). Header fields of PNG/GIF/WebP/JPEG are favoured by the
 * integer overwrites, so sizes lie as often as bytes break.
 */
import { decodeImage } from '../../../src/pipeline/decode.ts';
import { sharpImageCodec } from '../../../src/repositories/media/sharp-image-codec.ts';
import { sniffImageFormat } from '../../../src/services/sniff-content.ts';
import { FuzzViolation, type FuzzTarget } from './harness.ts';
import { mutate, overwriteInt } from './mutate.ts';
import type { Rng } from './prng.ts';
import { imageSeeds, type Seed } from './seeds.ts';

/** PNG IHDR width/height, GIF logical screen, WebP VP8X canvas, BMP-like and TIFF first IFD offsets. */
const IMAGE_HEADER_OFFSETS = [16, 20, 6, 8, 24, 27, 4, 163, 165];
/** Decode limits small enough to keep each case quick, with a pixel cap mutated sizes run into. */
const DECODE_LIMITS = { maxPixels: 4_000_000, maxBytes: 8 * 1024 * 1024, minSide: 2 };

function generateImage(rng: Rng, seeds: readonly Seed[]): Uint8Array {
  const roll = rng.next();
  if (roll < 0.04) return rng.bytes(rng.int(2048));
  const seed = rng.pick(seeds).bytes;
  if (roll < 0.07) return seed.slice();
  if (roll < 0.4) {
    let out = overwriteInt(rng, seed, IMAGE_HEADER_OFFSETS);
    if (rng.bool(0.3)) out = overwriteInt(rng, out, IMAGE_HEADER_OFFSETS);
    return out;
  }
  return mutate(
    rng,
    seed,
    seeds.map((s) => s.bytes),
  );
}

export const imageHeaderTarget: FuzzTarget<{ seeds: Seed[] }> = {
  name: 'image-header',
  weight: 2,
  async setup() {
    return { seeds: await imageSeeds() };
  },
  generate: (rng, ctx) => generateImage(rng, ctx.seeds),
  async run(input) {
    sniffImageFormat(input);
    const header = await sharpImageCodec.readHeader(input);
    for (const [k, v] of Object.entries({ width: header.width, height: header.height, pages: header.pages })) {
      if (!Number.isSafeInteger(v) || v < 0) throw new FuzzViolation(`readHeader: ${k} is ${v}`);
    }
    return 'read';
  },
};

export const imageDecodeTarget: FuzzTarget<{ seeds: Seed[] }> = {
  name: 'image-decode',
  weight: 3,
  async setup() {
    return { seeds: await imageSeeds() };
  },
  generate: (rng, ctx) => generateImage(rng, ctx.seeds),
  async run(input) {
    const { heightmap, header } = await decodeImage(input, sharpImageCodec, DECODE_LIMITS);
    const { width, height, values, mask } = heightmap;
    if (width * height > DECODE_LIMITS.maxPixels)
      throw new FuzzViolation(`decoded ${width}x${height}, over the ${DECODE_LIMITS.maxPixels} pixel limit`);
    if (width !== header.width || height !== header.height)
      throw new FuzzViolation(`header said ${header.width}x${header.height}, decode gave ${width}x${height}`);
    if (values.length !== width * height || (mask && mask.length !== values.length))
      throw new FuzzViolation('heightmap planes have the wrong length');
    for (let i = 0; i < values.length; i++) {
      if (!(values[i] >= 0 && values[i] <= 1)) throw new FuzzViolation(`heightmap value ${i} is ${values[i]}`);
    }
    return 'decoded';
  },
};

export const IMAGE_TARGETS = [imageHeaderTarget, imageDecodeTarget];
