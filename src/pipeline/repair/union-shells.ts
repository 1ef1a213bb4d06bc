/**
 * Repair step 9: resolve overlapping shells (a solid inside a solid, two bodies pushed into each
 * other, an assembly exported as separate overlapping parts) with manifold-3d booleans: every
 * solid shell becomes a Manifold, they are unioned in one batch (Manifold.union(list), which
 * manifold sorts into a balanced tree), and cavities are subtracted after. Only runs when two
 * solid shells' boxes overlap or a solid sits inside another, so valid multi-body files are not
 * re-meshed needlessly. Manifold objects are freed in `finally`.
 */
import type { Manifold, ManifoldToplevel } from 'manifold-3d';
import type { Mesh } from '../mesh.ts';
import type { ShellRole } from './orient-outward.ts';
import { boxesOverlap, type ShellGeometry } from './shell-geometry.ts';

export interface UnionShellsResult {
  mesh: Mesh;
  /** Shells merged by the boolean (0 when nothing overlapped). */
  shellsUnioned: number;
}

export function needsUnion(shells: ShellGeometry[], roles: ShellRole[]): boolean {
  if (roles.includes('nested-solid')) return true;
  const solids = shells.filter((_, s) => roles[s] !== 'cavity');
  for (let i = 0; i < solids.length; i++) for (let j = i + 1; j < solids.length; j++) if (boxesOverlap(solids[i], solids[j])) return true;
  return false;
}

export function unionShells(mesh: Mesh, shells: ShellGeometry[], roles: ShellRole[], wasm: ManifoldToplevel): UnionShellsResult {
  if (!needsUnion(shells, roles)) return { mesh, shellsUnioned: 0 };
  const owned: Manifold[] = [];
  const make = (shell: ShellGeometry, inverted: boolean) => {
    const part = extractShell(mesh, shell.faces, inverted);
    const solid = new wasm.Manifold(new wasm.Mesh({ numProp: 3, vertProperties: part.positions, triVerts: part.indices }));
    owned.push(solid);
    return solid;
  };
  try {
    const solids = shells.filter((_, s) => roles[s] !== 'cavity').map((shell) => make(shell, false));
    const cavities = shells.filter((_, s) => roles[s] === 'cavity').map((shell) => make(shell, true));
    let result = wasm.Manifold.union(solids);
    owned.push(result);
    if (cavities.length > 0) {
      const voids = wasm.Manifold.union(cavities);
      owned.push(voids);
      result = result.subtract(voids);
      owned.push(result);
    }
    const out = result.getMesh();
    return {
      mesh: { positions: Float32Array.from(out.vertProperties), indices: Uint32Array.from(out.triVerts) },
      shellsUnioned: solids.length,
    };
  } finally {
    for (const m of owned) m.delete();
  }
}

/** The faces of one shell as a compact mesh (optionally wound the other way). */
export function extractShell(mesh: Mesh, faces: Uint32Array, inverted: boolean): Mesh {
  const remap = new Map<number, number>();
  const positions: number[] = [];
  const indices = new Uint32Array(faces.length * 3);
  for (let i = 0; i < faces.length; i++) {
    for (let k = 0; k < 3; k++) {
      const v = mesh.indices[faces[i] * 3 + (inverted && k > 0 ? 3 - k : k)];
      let w = remap.get(v);
      if (w === undefined) {
        w = remap.size;
        remap.set(v, w);
        positions.push(mesh.positions[v * 3], mesh.positions[v * 3 + 1], mesh.positions[v * 3 + 2]);
      }
      indices[i * 3 + k] = w;
    }
  }
  return { positions: Float32Array.from(positions), indices };
}
