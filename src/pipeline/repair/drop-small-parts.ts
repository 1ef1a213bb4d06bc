/**
 * Repair step 8: drop floating debris: shells that needed hole filling and whose volume is below
 * a fraction of the largest shell's, and shells that enclose (next to) nothing (stray facets,
 * closed into zero-volume fins by hole filling, land here with volume 0).
 * Cavities are measured by their absolute volume, so a small void is filled in, which prints the
 * same or better.
 */
import type { Mesh } from '../mesh.ts';
import type { ShellRole } from './orient-outward.ts';
import type { ShellGeometry } from './shell-geometry.ts';

export interface DropSmallPartsOptions {
  /** Shells below this fraction of the largest shell's volume are removed. */
  minVolumeFraction: number;
}

export const DROP_SMALL_PARTS_DEFAULTS: Readonly<DropSmallPartsOptions> = { minVolumeFraction: 0.01 };

export interface DropSmallPartsResult {
  mesh: Mesh;
  droppedShells: number;
  droppedFaces: number;
  shells: ShellGeometry[];
  roles: ShellRole[];
}

export function dropSmallParts(
  mesh: Mesh,
  shells: ShellGeometry[],
  roles: ShellRole[],
  /** Shells repair had to close (they touched a hole); intact shells are never dropped unless empty. */
  repaired: (shell: ShellGeometry) => boolean,
  options: Partial<DropSmallPartsOptions> = {},
): DropSmallPartsResult {
  const { minVolumeFraction } = { ...DROP_SMALL_PARTS_DEFAULTS, ...options };
  let largest = 0;
  for (const s of shells) largest = Math.max(largest, Math.abs(s.volume));
  // A valid multi-body file may hold a small part on purpose (a pin, a label): only debris that
  // needed closing, or encloses nothing at all, is removed.
  const keep = shells.map((s) => {
    const volume = Math.abs(s.volume);
    if (!(volume > largest * 1e-9)) return false;
    return volume >= largest * minVolumeFraction || !repaired(s);
  });
  const droppedShells = keep.filter((k) => !k).length;
  if (droppedShells === 0) return { mesh, droppedShells: 0, droppedFaces: 0, shells, roles };
  const kept = keepShells(mesh, shells, roles, (s) => keep[s]);
  return {
    mesh: kept.mesh,
    droppedShells,
    droppedFaces: (mesh.indices.length - kept.mesh.indices.length) / 3,
    shells: kept.shells,
    roles: kept.roles,
  };
}

/**
 * The mesh with only the shells `keep` passes (by shell index): positions shared, each kept shell's
 * faces renumbered to the new index buffer. Dropping debris and dropping cavities both go through here.
 */
export function keepShells(
  mesh: Mesh,
  shells: ShellGeometry[],
  roles: ShellRole[],
  keep: (shell: number) => boolean,
): { mesh: Mesh; shells: ShellGeometry[]; roles: ShellRole[] } {
  let total = 0;
  for (let s = 0; s < shells.length; s++) if (keep(s)) total += shells[s].faces.length;
  const indices = new Uint32Array(total * 3);
  const keptShells: ShellGeometry[] = [];
  const keptRoles: ShellRole[] = [];
  let o = 0;
  for (let s = 0; s < shells.length; s++) {
    if (!keep(s)) continue;
    const faces = new Uint32Array(shells[s].faces.length);
    for (let i = 0; i < faces.length; i++) {
      const f = shells[s].faces[i];
      faces[i] = o / 3;
      indices[o++] = mesh.indices[f * 3];
      indices[o++] = mesh.indices[f * 3 + 1];
      indices[o++] = mesh.indices[f * 3 + 2];
    }
    keptShells.push({ ...shells[s], faces });
    keptRoles.push(roles[s]);
  }
  return { mesh: { positions: mesh.positions, indices }, shells: keptShells, roles: keptRoles };
}
