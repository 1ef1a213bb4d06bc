/**
 * A 3MF of several bodies, one object per filament (issue 17's colour lithophane): each object is
 * named after its filament and coloured by it through a core-spec <basematerials> group
 * (displaycolor), and PrusaSlicer's Metadata/Slic3r_PE_model.config assigns each object its own
 * extruder (object k → extruder k + 1) as PrusaSlicer writes it itself: per object, its name and
 * extruder as `metadata type="object"`, and one <volume firstid lastid> spanning its triangles.
 * Slicers without that file still see named, coloured objects to assign by hand.
 */
import { zipSync, type ZipOptions } from 'fflate';
import type { Mesh } from '../mesh.ts';
import { assertExportableMesh } from './check-mesh.ts';
import { formatFloat32 } from './format-number.ts';
import { CONTENT_TYPES, FIXED_MTIME, RELATIONSHIPS } from './threemf.ts';
import { escapeXml } from './xml-escape.ts';

export interface ThreeMfBody {
  name: string;
  /** #RRGGBB */
  hex: string;
  mesh: Mesh;
}

const CORE_NAMESPACE = 'http://schemas.microsoft.com/3dmanufacturing/core/2015/02';
const MATERIALS_ID = 1;
const objectId = (k: number) => k + 2;

export function writeThreeMfBodies(bodies: readonly ThreeMfBody[], title = ''): Uint8Array {
  for (const b of bodies) assertExportableMesh(b.mesh, 'writeThreeMfBodies');
  const encoder = new TextEncoder();
  const entry: ZipOptions = { level: 6, mtime: FIXED_MTIME };
  return zipSync({
    '[Content_Types].xml': [encoder.encode(CONTENT_TYPES), entry],
    '_rels/.rels': [encoder.encode(RELATIONSHIPS), entry],
    '3D/3dmodel.model': [encoder.encode(modelXml(bodies, title)), entry],
    'Metadata/Slic3r_PE_model.config': [encoder.encode(prusaConfig(bodies)), entry],
  });
}

function modelXml(bodies: readonly ThreeMfBody[], title: string): string {
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<model unit="millimeter" xml:lang="en-US" xmlns="${CORE_NAMESPACE}">\n`,
  ];
  if (title) parts.push(` <metadata name="Title">${escapeXml(title)}</metadata>\n`);
  parts.push(' <metadata name="Application">image-to-stl</metadata>\n <resources>\n');
  parts.push(`  <basematerials id="${MATERIALS_ID}">\n`);
  for (const b of bodies) parts.push(`   <base name="${escapeXml(b.name)}" displaycolor="${b.hex.toUpperCase()}FF"/>\n`);
  parts.push('  </basematerials>\n');
  bodies.forEach((b, k) => {
    parts.push(
      `  <object id="${objectId(k)}" type="model" name="${escapeXml(b.name)}" pid="${MATERIALS_ID}" pindex="${k}">\n   <mesh>\n    <vertices>\n`,
    );
    const p = b.mesh.positions;
    for (let i = 0; i < p.length; i += 3) {
      parts.push(`<vertex x="${formatFloat32(p[i])}" y="${formatFloat32(p[i + 1])}" z="${formatFloat32(p[i + 2])}"/>\n`);
    }
    parts.push('    </vertices>\n    <triangles>\n');
    const t = b.mesh.indices;
    for (let i = 0; i < t.length; i += 3) parts.push(`<triangle v1="${t[i]}" v2="${t[i + 1]}" v3="${t[i + 2]}"/>\n`);
    parts.push('    </triangles>\n   </mesh>\n  </object>\n');
  });
  parts.push(' </resources>\n <build>\n');
  bodies.forEach((_, k) => parts.push(`  <item objectid="${objectId(k)}"/>\n`));
  parts.push(' </build>\n</model>\n');
  return parts.join('');
}

function prusaConfig(bodies: readonly ThreeMfBody[]): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<config>\n'];
  bodies.forEach((b, k) => {
    const name = escapeXml(b.name);
    const extruder = k + 1;
    parts.push(
      ` <object id="${objectId(k)}" instances_count="1">\n`,
      `  <metadata type="object" key="name" value="${name}"/>\n`,
      `  <metadata type="object" key="extruder" value="${extruder}"/>\n`,
      `  <volume firstid="0" lastid="${b.mesh.indices.length / 3 - 1}">\n`,
      `   <metadata type="volume" key="name" value="${name}"/>\n`,
      `   <metadata type="volume" key="extruder" value="${extruder}"/>\n`,
      '  </volume>\n </object>\n',
    );
  });
  parts.push('</config>\n');
  return parts.join('');
}
