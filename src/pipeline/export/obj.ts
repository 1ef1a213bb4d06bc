/**
 * Wavefront OBJ: a comment header, one `v x y z` per vertex (millimetres, shortest float32
 * round-trip decimals, see format-number.ts) and one `f a b c` per triangle, 1-based, CCW.
 * OBJ has no unit field, so the header says millimetres for humans; importers assume units.
 */
import type { Mesh } from '../mesh.ts';
import { assertExportableMesh } from './check-mesh.ts';
import { formatFloat32 } from './format-number.ts';

export interface ObjOptions {
  /** Extra comment lines for the header (each gets a leading "# "). */
  comment: string;
}

export const OBJ_DEFAULTS: Readonly<ObjOptions> = {
  comment: '',
};

export function writeObj(mesh: Mesh, options: Partial<ObjOptions> = {}): Uint8Array {
  const { comment } = { ...OBJ_DEFAULTS, ...options };
  assertExportableMesh(mesh, 'writeObj');
  const p = mesh.positions;
  const t = mesh.indices;
  const lines: string[] = ['# written by image-to-stl', '# units: millimetres', `# vertices: ${p.length / 3}, triangles: ${t.length / 3}`];
  for (const line of comment ? comment.split(/\r?\n/) : []) lines.push(`# ${line}`);
  lines.push('o model');
  for (let i = 0; i < p.length; i += 3) {
    lines.push(`v ${formatFloat32(p[i])} ${formatFloat32(p[i + 1])} ${formatFloat32(p[i + 2])}`);
  }
  for (let i = 0; i < t.length; i += 3) {
    lines.push(`f ${t[i] + 1} ${t[i + 1] + 1} ${t[i + 2] + 1}`);
  }
  lines.push('');
  return new TextEncoder().encode(lines.join('\n'));
}
