/**
 * Seed inputs: files written by our own exporters (STL/OBJ/GLB/3MF), PLY and ASCII STL written
 * here in every flavour the readers accept, pictures made with sharp in every accepted format,
 * the repo's fixtures, and ../shared/corpus when it is present (skipped silently when absent).
 * npm test never touches ../shared: the smoke and regression files turn the corpus off.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import sharp from 'sharp';
import { writeGlb } from '../../../src/pipeline/export/glb.ts';
import { writeObj } from '../../../src/pipeline/export/obj.ts';
import { writeStl } from '../../../src/pipeline/export/stl.ts';
import { writeThreeMf } from '../../../src/pipeline/export/threemf.ts';
import type { Mesh } from '../../../src/pipeline/mesh.ts';
import { box, sphere } from '../../helpers/mesh-fixtures.ts';

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CORPUS_DIR = join(ROOT, '..', 'shared', 'corpus');

function asciiStl(mesh: Mesh, quads = false): Uint8Array {
  const p = mesh.positions,
    t = mesh.indices;
  const v = (i: number) => `      vertex ${p[i * 3]} ${p[i * 3 + 1]} ${p[i * 3 + 2]}\n`;
  let out = 'solid fuzz\n';
  for (let f = 0; f < t.length; f += 3) {
    out +=
      '  facet normal 0 0 1\n    outer loop\n' +
      v(t[f]) +
      v(t[f + 1]) +
      v(t[f + 2]) +
      (quads && f === 0 ? v(t[f + 2]) : '') +
      '    endloop\n  endfacet\n';
  }
  return strToU8(`${out}endsolid fuzz\n`);
}

function plyAscii(mesh: Mesh, extras: boolean): Uint8Array {
  const p = mesh.positions,
    t = mesh.indices;
  const nv = p.length / 3,
    nf = t.length / 3;
  let out = `ply\nformat ascii 1.0\ncomment fuzz seed\nelement vertex ${nv}\nproperty float x\nproperty float y\nproperty float z\n`;
  if (extras) out += 'property uchar red\nproperty list uchar float uv\n';
  out += `element face ${nf}\nproperty list uchar int vertex_indices\n`;
  if (extras) out += 'element edge 1\nproperty int vertex1\nproperty int vertex2\n';
  out += 'end_header\n';
  for (let i = 0; i < nv; i++) out += `${p[i * 3]} ${p[i * 3 + 1]} ${p[i * 3 + 2]}${extras ? ' 200 2 0.5 0.25' : ''}\n`;
  for (let f = 0; f < nf; f++) out += `3 ${t[f * 3]} ${t[f * 3 + 1]} ${t[f * 3 + 2]}\n`;
  if (extras) out += '0 1\n';
  return strToU8(out);
}

function plyBinary(mesh: Mesh, little: boolean, quad: boolean): Uint8Array {
  const p = mesh.positions,
    t = mesh.indices;
  const nv = p.length / 3,
    nf = t.length / 3;
  const header = strToU8(
    `ply\nformat binary_${little ? 'little' : 'big'}_endian 1.0\nelement vertex ${nv}\nproperty float x\nproperty float y\nproperty float z\nproperty double quality\n` +
      `element face ${nf + (quad ? 1 : 0)}\nproperty uchar flags\nproperty list uchar uint vertex_indices\nend_header\n`,
  );
  const body = new Uint8Array(nv * 20 + nf * 14 + (quad ? 18 : 0));
  const view = new DataView(body.buffer);
  let at = 0;
  for (let i = 0; i < nv; i++) {
    for (let k = 0; k < 3; k++, at += 4) view.setFloat32(at, p[i * 3 + k], little);
    view.setFloat64(at, 0.5, little);
    at += 8;
  }
  for (let f = 0; f < nf; f++) {
    view.setUint8(at++, 0);
    view.setUint8(at++, 3);
    for (let k = 0; k < 3; k++, at += 4) view.setUint32(at, t[f * 3 + k], little);
  }
  if (quad) {
    view.setUint8(at++, 1);
    view.setUint8(at++, 4);
    for (const v of [0, 1, 2, 3]) {
      view.setUint32(at, v, little);
      at += 4;
    }
  }
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

function objVariants(mesh: Mesh): Uint8Array {
  const p = mesh.positions,
    t = mesh.indices;
  let out = '# fuzz seed\nmtllib x.mtl\no thing\n';
  for (let i = 0; i < p.length / 3; i++) out += `v ${p[i * 3]} ${p[i * 3 + 1]} ${p[i * 3 + 2]}\nvt 0 0\nvn 0 0 1\n`;
  const nv = p.length / 3;
  for (let f = 0; f < t.length; f += 3) {
    const style = (f / 3) % 3;
    const ref = (i: number) => (style === 0 ? `${i + 1}` : style === 1 ? `${i + 1}/${i + 1}/${i + 1}` : `${i - nv}//${i + 1}`);
    out += `f ${ref(t[f])} ${ref(t[f + 1])} ${ref(t[f + 2])}\n`;
  }
  out += 'f 1 2 3 4\ng group\ns off\nusemtl m\n';
  return strToU8(out);
}

/** A 3MF with components, build transforms (one mirroring), a support object and inch units. */
function threeMfWithComponents(mesh: Mesh): Uint8Array {
  const p = mesh.positions,
    t = mesh.indices;
  let vertices = '';
  for (let i = 0; i < p.length / 3; i++) vertices += `<vertex x="${p[i * 3]}" y="${p[i * 3 + 1]}" z="${p[i * 3 + 2]}"/>`;
  let triangles = '';
  for (let f = 0; f < t.length; f += 3) triangles += `<triangle v1="${t[f]}" v2="${t[f + 1]}" v3="${t[f + 2]}"/>`;
  const model = `<?xml version="1.0" encoding="UTF-8"?>
<m:model unit="inch" xmlns:m="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">
<!-- a comment <object> -->
<m:resources>
<m:object id="1" type="model"><m:mesh><m:vertices>${vertices}</m:vertices><m:triangles>${triangles}</m:triangles></m:mesh></m:object>
<m:object id="2" type="model"><m:components><m:component objectid="1" transform="1 0 0 0 1 0 0 0 1 5 0 0"/><m:component objectid="1" transform="-1 0 0 0 1 0 0 0 1 0 0 0"/></m:components></m:object>
<m:object id="3" type="support"><m:mesh><m:vertices>${vertices}</m:vertices><m:triangles>${triangles}</m:triangles></m:mesh></m:object>
</m:resources>
<m:build><m:item objectid="2" transform="1 0 0 0 1 0 0 0 1 0 0 10"/><m:item objectid="3"/></m:build>
</m:model>`;
  const rels =
    '<?xml version="1.0"?><Relationships><Relationship Target="/3D/Other.model" Id="r" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/></Relationships>';
  return zipSync(
    { '_rels/.rels': strToU8(rels), '3D/Other.model': strToU8(model), '[Content_Types].xml': strToU8('<Types/>') },
    { level: 6 },
  );
}

/** Binary STL whose header starts with "solid" (SolidWorks does this; our exporter refuses to). */
function solidHeader(stl: Uint8Array): Uint8Array {
  stl.set(strToU8('solid but binary'), 0);
  return stl;
}

let corpusEnabled = true;

/** Off for runs inside npm test, which must not read ../shared. Call before the first seeds. */
export function useCorpusSeeds(enabled: boolean): void {
  corpusEnabled = enabled;
}

let meshSeedsCache: Seed[] | undefined;

export async function meshSeeds(): Promise<Seed[]> {
  if (meshSeedsCache) return meshSeedsCache;
  const cube = box([0, 0, 0], [10, 20, 5]);
  const ball = sphere(5, 8, 6);
  const seeds: Seed[] = [
    { name: 'box.stl', bytes: writeStl(cube) },
    { name: 'sphere.stl', bytes: writeStl(ball) },
    { name: 'solid-header.stl', bytes: solidHeader(writeStl(cube)) },
    { name: 'box-ascii.stl', bytes: asciiStl(cube, true) },
    { name: 'sphere-ascii.stl', bytes: asciiStl(ball) },
    { name: 'box.obj', bytes: writeObj(cube) },
    { name: 'variants.obj', bytes: objVariants(cube) },
    { name: 'box-ascii.ply', bytes: plyAscii(cube, false) },
    { name: 'box-extras.ply', bytes: plyAscii(cube, true) },
    { name: 'box-le.ply', bytes: plyBinary(cube, true, true) },
    { name: 'sphere-be.ply', bytes: plyBinary(ball, false, false) },
    { name: 'box.glb', bytes: await writeGlb(cube) },
    { name: 'sphere.glb', bytes: await writeGlb(ball) },
    { name: 'box.3mf', bytes: writeThreeMf(cube) },
    { name: 'box-stored.3mf', bytes: writeThreeMf(cube, { compressionLevel: 0 }) },
    { name: 'components.3mf', bytes: threeMfWithComponents(cube) },
  ];
  seeds.push(...corpusFiles('meshes', 300 * 1024));
  meshSeedsCache = seeds;
  return seeds;
}

let imageSeedsCache: Seed[] | undefined;

export async function imageSeeds(): Promise<Seed[]> {
  if (imageSeedsCache) return imageSeedsCache;
  const raw = Buffer.alloc(24 * 16 * 4);
  for (let i = 0; i < 24 * 16; i++) raw.set([i % 256, (i * 7) % 256, 128, i % 3 === 0 ? 0 : 255], i * 4);
  const base = () => sharp(raw, { raw: { width: 24, height: 16, channels: 4 } });
  const made: Array<[string, Promise<Buffer>]> = [
    ['rgba.png', base().png().toBuffer()],
    ['grey16.png', base().toColourspace('grey16').png().toBuffer()],
    ['palette.png', base().png({ palette: true, colours: 4 }).toBuffer()],
    ['interlaced.png', base().png({ progressive: true }).toBuffer()],
    ['photo.jpg', base().jpeg({ quality: 60 }).toBuffer()],
    ['progressive.jpg', base().jpeg({ progressive: true }).toBuffer()],
    ['exif-6.jpg', base().jpeg().withMetadata({ orientation: 6 }).toBuffer()],
    ['lossy.webp', base().webp({ quality: 50 }).toBuffer()],
    ['lossless.webp', base().webp({ lossless: true }).toBuffer()],
    ['anim.gif', base().gif().toBuffer()],
    ['deflate.tiff', base().tiff({ compression: 'deflate' }).toBuffer()],
    ['tiny.avif', base().avif({ quality: 30, effort: 0 }).toBuffer()],
  ];
  const seeds: Seed[] = [];
  for (const [name, promise] of made) {
    try {
      seeds.push({ name, bytes: new Uint8Array(await promise) });
    } catch {
      // A codec missing from this sharp build: fuzz the others.
    }
  }
  for (const name of readdirSync(join(ROOT, 'fixtures'))) {
    if (/\.(png|jpe?g)$/i.test(name))
      seeds.push({ name: `fixtures/${name}`, bytes: new Uint8Array(readFileSync(join(ROOT, 'fixtures', name))) });
  }
  seeds.push(...corpusFiles('images', 200 * 1024));
  imageSeedsCache = seeds;
  return seeds;
}

/** Files under ../shared/corpus/<dir> up to maxBytes each; none when the corpus is absent. */
function corpusFiles(dir: string, maxBytes: number): Seed[] {
  const root = join(CORPUS_DIR, dir);
  if (!corpusEnabled || !existsSync(root)) return [];
  const out: Seed[] = [];
  const visit = (path: string, rel: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const stat = statSync(full);
      if (stat.isDirectory()) visit(full, `${rel}${name}/`);
      else if (stat.size <= maxBytes && !name.endsWith('.md'))
        out.push({ name: `corpus/${rel}${name}`, bytes: new Uint8Array(readFileSync(full)) });
    }
  };
  visit(root, `${dir}/`);
  return out;
}
