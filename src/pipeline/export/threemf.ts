/**
 * 3MF (core spec 1.3): an OPC zip holding [Content_Types].xml, _rels/.rels and 3D/3dmodel.model
 * with one object type="model" and one build item, unit millimeter.
 *
 * Notes:
 * - Coordinates use formatFloat32: the shortest decimal that reads back as the same float32
 *   (6-9 significant digits), so the 3MF is bit-for-bit the solid manifold checked. See
 *   format-number.ts for why not a fixed 6 digits.
 * - The zip entries get a fixed timestamp: the pipeline has no clock, and identical meshes
 *   should give identical bytes (cache keys, tests).
 * - The model XML is built as one string. At ~100 bytes per triangle a 2M-triangle model is
 *   ~200 MB of text, inside V8's string limit; the job triangle cap keeps us well below it.
 */
import { zipSync, type ZipOptions } from 'fflate';
import type { Mesh } from '../mesh.ts';
import { assertExportableMesh } from './check-mesh.ts';
import { formatFloat32 } from './format-number.ts';
import { escapeXml } from './xml-escape.ts';

export interface ThreeMfOptions {
  /** Written as <metadata name="Title">; omitted when empty. */
  title: string;
  /** Written as <metadata name="Application">; omitted when empty. */
  application: string;
  /** Deflate level for the model entry, 0 (store) to 9. */
  compressionLevel: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  /** More text parts by path (slicer metadata such as colour changes: export/colour-changes.ts). */
  extraFiles: Record<string, string>;
}

export const THREEMF_DEFAULTS: Readonly<ThreeMfOptions> = {
  title: '',
  application: 'image-to-stl',
  compressionLevel: 6,
  extraFiles: {},
};

const CORE_NAMESPACE = 'http://schemas.microsoft.com/3dmanufacturing/core/2015/02';
/** A constant local date in fflate's DOS-time range (1980-2099) whatever the time zone. */
export const FIXED_MTIME = new Date(2000, 0, 1, 0, 0, 0);

export const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
 <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
 <Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>
</Types>
`;

export const RELATIONSHIPS = `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
 <Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>
</Relationships>
`;

export function writeThreeMf(mesh: Mesh, options: Partial<ThreeMfOptions> = {}): Uint8Array {
  const settings = { ...THREEMF_DEFAULTS, ...options };
  assertExportableMesh(mesh, 'writeThreeMf');
  const encoder = new TextEncoder();
  const entry: ZipOptions = { level: settings.compressionLevel, mtime: FIXED_MTIME };
  return zipSync({
    '[Content_Types].xml': [encoder.encode(CONTENT_TYPES), entry],
    '_rels/.rels': [encoder.encode(RELATIONSHIPS), entry],
    '3D/3dmodel.model': [encoder.encode(modelXml(mesh, settings)), entry],
    ...Object.fromEntries(Object.entries(settings.extraFiles).map(([path, text]) => [path, [encoder.encode(text), entry]])),
  });
}

function modelXml(mesh: Mesh, settings: ThreeMfOptions): string {
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<model unit="millimeter" xml:lang="en-US" xmlns="${CORE_NAMESPACE}">\n`,
  ];
  if (settings.title) parts.push(` <metadata name="Title">${escapeXml(settings.title)}</metadata>\n`);
  if (settings.application) parts.push(` <metadata name="Application">${escapeXml(settings.application)}</metadata>\n`);
  parts.push(' <resources>\n  <object id="1" type="model">\n   <mesh>\n    <vertices>\n');
  const p = mesh.positions;
  for (let i = 0; i < p.length; i += 3) {
    parts.push(`<vertex x="${formatFloat32(p[i])}" y="${formatFloat32(p[i + 1])}" z="${formatFloat32(p[i + 2])}"/>\n`);
  }
  parts.push('    </vertices>\n    <triangles>\n');
  const t = mesh.indices;
  for (let i = 0; i < t.length; i += 3) {
    parts.push(`<triangle v1="${t[i]}" v2="${t[i + 1]}" v3="${t[i + 2]}"/>\n`);
  }
  parts.push('    </triangles>\n   </mesh>\n  </object>\n </resources>\n <build>\n  <item objectid="1"/>\n </build>\n</model>\n');
  return parts.join('');
}
