/**
 * Fuzz targets for the mesh importers: each reader with its triangle counter, readMesh (sniff ->
 * count -> read), and the content sniffers. A reader may refuse an input only with a coded
 * PipelineError; when it accepts one, the mesh must be sane (indices in range, finite positions,
 * no more triangles than the limit).
 */
import { countMeshTriangles } from '../../../src/pipeline/import/count-triangles.ts';
import { readGlb } from '../../../src/pipeline/import/glb.ts';
import type { ImportedMesh } from '../../../src/pipeline/import/imported-mesh.ts';
import { IMPORT_LIMITS_DEFAULTS } from '../../../src/pipeline/import/limits.ts';
import { readObj } from '../../../src/pipeline/import/obj.ts';
import { readPly } from '../../../src/pipeline/import/ply.ts';
import { readMesh } from '../../../src/pipeline/import/read-mesh.ts';
import { sniffMeshFormat, type MeshFormat } from '../../../src/pipeline/import/sniff.ts';
import { readStl } from '../../../src/pipeline/import/stl.ts';
import { readThreeMf } from '../../../src/pipeline/import/threemf.ts';
import { sniffContent, sniffImageFormat } from '../../../src/services/sniff-content.ts';
import { FuzzViolation, isCodedError, type FuzzTarget } from './harness.ts';
import { mutate } from './mutate.ts';
import type { Rng } from './prng.ts';
import { imageSeeds, meshSeeds, type Seed } from './seeds.ts';

const EXTENSION: Record<MeshFormat, RegExp> = { stl: /\.stl$/i, obj: /\.obj$/i, ply: /\.ply$/i, glb: /\.glb$/i, '3mf': /\.3mf$/i };
const MAGIC: Partial<Record<MeshFormat, string>> = {
  glb: 'glTF\x02\x00\x00\x00',
  '3mf': 'PK\x03\x04',
  ply: 'ply\n',
  stl: 'solid ',
  obj: 'v ',
};

/** Small limits for some inputs (chosen by the input's length, so a saved input replays the same way). */
export function limitsFor(input: Uint8Array) {
  const small = input.length % 5 === 0;
  return {
    maxTriangles: small ? 10 : IMPORT_LIMITS_DEFAULTS.maxTriangles,
    maxUncompressedBytes: small ? 4096 : 64 * 1024 * 1024,
    maxBytes: IMPORT_LIMITS_DEFAULTS.maxBytes,
  };
}

/** Mostly a mutated seed of the wanted kind; sometimes another kind's seed, random bytes, or random bytes behind a magic. */
export function generateFrom(rng: Rng, primary: readonly Seed[], all: readonly Seed[], magic?: string): Uint8Array {
  const roll = rng.next();
  const others = all.map((s) => s.bytes);
  if (roll < 0.05) return rng.bytes(rng.int(rng.bool(0.8) ? 512 : 8192));
  if (roll < 0.12 && magic) {
    const tail = rng.bytes(rng.int(1024));
    const out = new Uint8Array(magic.length + tail.length);
    for (let i = 0; i < magic.length; i++) out[i] = magic.charCodeAt(i);
    out.set(tail, magic.length);
    return out;
  }
  const pool = primary.length > 0 && rng.bool(0.9) ? primary : all;
  const seed = rng.pick(pool).bytes;
  if (roll < 0.15) return seed.slice();
  return mutate(rng, seed, others);
}

export function checkMesh(result: ImportedMesh, input: Uint8Array, operation: string): void {
  const { positions, indices } = result.mesh;
  const vertices = positions.length / 3;
  const limit = limitsFor(input).maxTriangles;
  if (!Number.isInteger(vertices)) throw new FuzzViolation(`${operation}: positions length ${positions.length} is not a multiple of 3`);
  if (indices.length % 3 !== 0) throw new FuzzViolation(`${operation}: indices length ${indices.length} is not a multiple of 3`);
  if (indices.length === 0) throw new FuzzViolation(`${operation}: accepted a mesh without triangles`);
  if (indices.length / 3 > limit) throw new FuzzViolation(`${operation}: ${indices.length / 3} triangles passed the limit of ${limit}`);
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] >= vertices) throw new FuzzViolation(`${operation}: index ${indices[i]} at ${i} is out of range (${vertices} vertices)`);
  }
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i])) throw new FuzzViolation(`${operation}: position ${i} is ${positions[i]}`);
  }
}

type Reader = (bytes: Uint8Array, limits: ReturnType<typeof limitsFor>) => ImportedMesh | Promise<ImportedMesh>;

function readerTarget(name: string, format: MeshFormat, read: Reader, weight: number): FuzzTarget<{ primary: Seed[]; all: Seed[] }> {
  return {
    name,
    weight,
    async setup() {
      const all = await meshSeeds();
      return { all, primary: all.filter((s) => EXTENSION[format].test(s.name)) };
    },
    generate: (rng, ctx) => generateFrom(rng, ctx.primary, ctx.all, MAGIC[format]),
    async run(input) {
      const limits = limitsFor(input);
      // The upload endpoint's count, then the job's reader: each may refuse, neither may crash.
      let counted: number | undefined;
      try {
        counted = countMeshTriangles(input, format, limits);
      } catch (error) {
        if (!isCodedError(error)) throw error;
      }
      if (counted !== undefined && (!Number.isSafeInteger(counted) || counted <= 0 || counted > limits.maxTriangles)) {
        throw new FuzzViolation(`countMeshTriangles(${format}) returned ${counted}`);
      }
      checkMesh(await read(input, limits), input, name);
      return 'accepted';
    },
  };
}

export const stlTarget = readerTarget('stl', 'stl', (b, l) => readStl(b, l), 3);
export const objTarget = readerTarget('obj', 'obj', (b, l) => readObj(b, l), 3);
export const plyTarget = readerTarget('ply', 'ply', (b, l) => readPly(b, l), 3);
export const threeMfTarget = readerTarget('threemf', '3mf', (b, l) => readThreeMf(b, l), 3);
export const glbTarget = readerTarget('glb', 'glb', (b, l) => readGlb(b, l), 3);

/** The upload/job path: whatever the bytes are, sniff, count for that format, read. */
export const readMeshTarget: FuzzTarget<{ all: Seed[] }> = {
  name: 'read-mesh',
  weight: 2,
  async setup() {
    return { all: await meshSeeds() };
  },
  generate: (rng, ctx) => generateFrom(rng, ctx.all, ctx.all),
  async run(input) {
    const limits = limitsFor(input);
    const format = sniffMeshFormat(input);
    if (format) {
      try {
        countMeshTriangles(input, format, limits);
      } catch (error) {
        if (!isCodedError(error)) throw error;
      }
    }
    checkMesh(await readMesh(input, limits), input, 'readMesh');
    return 'accepted';
  },
};

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'heif']);
const MESH_FORMATS = new Set(['stl', 'obj', 'ply', 'glb', '3mf']);

/** sniffMeshFormat, sniffImageFormat and sniffContent: total functions, answers from a closed set. */
export const sniffTarget: FuzzTarget<{ all: Seed[] }> = {
  name: 'sniff',
  weight: 1,
  async setup() {
    return { all: [...(await meshSeeds()), ...(await imageSeeds())] };
  },
  generate: (rng, ctx) =>
    generateFrom(
      rng,
      ctx.all,
      ctx.all,
      rng.pick([
        'glTF',
        'PK\x03\x04',
        'ply\r',
        '\x89PNG\r\n\x1a\n',
        'RIFF\x00\x00\x00\x00WEBP',
        '\x00\x00\x00\x18ftypavif',
        'II*\x00',
        'solid',
      ]),
    ),
  run(input) {
    const mesh = sniffMeshFormat(input);
    if (mesh !== undefined && !MESH_FORMATS.has(mesh)) throw new FuzzViolation(`sniffMeshFormat answered ${String(mesh)}`);
    const image = sniffImageFormat(input);
    if (image !== undefined && !IMAGE_FORMATS.has(image)) throw new FuzzViolation(`sniffImageFormat answered ${String(image)}`);
    const content = sniffContent(input);
    if (content && content.kind === 'image' && content.format !== image)
      throw new FuzzViolation('sniffContent disagrees with sniffImageFormat');
  },
};

export const MESH_TARGETS = [sniffTarget, stlTarget, objTarget, plyTarget, threeMfTarget, glbTarget, readMeshTarget];
