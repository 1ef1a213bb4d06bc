/**
 * Repair step 7: decide which side of each closed shell is outside, by nesting depth and signed
 * volume. A shell's depth is how many other shells contain one of its points (winding number of
 * that shell alone, |w| >= 0.5). Then:
 *   depth even, volume < 0 -> inside out: inverted (admesh "normal-directions", trimesh multibody);
 *   depth odd,  volume < 0 -> a cavity of a hollow part: kept as it is;
 *   depth odd,  volume > 0 -> a solid inside a solid (double shell): left for the union step.
 * Cost: one winding query per shell against the shells whose box holds its probe point.
 */
import type { Mesh } from '../mesh.ts';
import { buildEdgeTopology } from './edge-topology.ts';
import { flipFaces } from './orient-consistent.ts';
import { boxContains, measureShell, windingNumber, type ShellGeometry } from './shell-geometry.ts';
import { facesByShell, findShells } from './shells.ts';

export type ShellRole = 'solid' | 'cavity' | 'nested-solid';

export interface OutwardResult {
  mesh: Mesh;
  invertedShells: number;
  shells: ShellGeometry[];
  roles: ShellRole[];
  /** Per face, 1 when its shell was inverted. */
  flip: Uint8Array;
}

/** `topology`, when given, must be the edge topology of mesh.indices. */
export function orientOutward(mesh: Mesh, topology = buildEdgeTopology(mesh.indices)): OutwardResult {
  const faceCount = mesh.indices.length / 3;
  const shells = listShells(mesh, topology);
  const depth = shells.map((shell, s) => {
    const q = Array.from(mesh.positions.subarray(mesh.indices[shell.faces[0] * 3] * 3, mesh.indices[shell.faces[0] * 3] * 3 + 3));
    let count = 0;
    for (let o = 0; o < shells.length; o++) {
      if (o === s || !boxContains(shells[o], q)) continue;
      if (Math.abs(windingNumber(mesh, shells[o].faces, q)) >= 0.5) count++;
    }
    return count;
  });
  const flip = new Uint8Array(faceCount);
  let invertedShells = 0;
  const roles: ShellRole[] = shells.map((shell, s) => {
    const odd = depth[s] % 2 === 1;
    if (shell.volume < 0 && !odd) {
      invertedShells++;
      for (const f of shell.faces) flip[f] = 1;
      shell.volume = -shell.volume;
      return 'solid';
    }
    if (shell.volume < 0) return 'cavity';
    return odd ? 'nested-solid' : 'solid';
  });
  const out = invertedShells > 0 ? { positions: mesh.positions, indices: flipFaces(mesh.indices, flip) } : mesh;
  return { mesh: out, invertedShells, shells, roles, flip };
}

export function listShells(mesh: Mesh, topology = buildEdgeTopology(mesh.indices)): ShellGeometry[] {
  const shells = findShells(mesh.indices.length / 3, topology);
  const { start, faces } = facesByShell(shells);
  const out: ShellGeometry[] = [];
  for (let s = 0; s < shells.count; s++) out.push(measureShell(mesh, faces.subarray(start[s], start[s + 1])));
  return out;
}
