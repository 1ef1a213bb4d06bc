/** Meshes made in code for repair tests: closed solids and ways of breaking them. */
import type { Mesh } from '../../src/pipeline/mesh.ts';
import { mergeMeshes } from '../../src/pipeline/mesh.ts';

/** Axis-aligned box, indexed, CCW from outside. */
export function box(min: [number, number, number], max: [number, number, number]): Mesh {
  const [x0, y0, z0] = min,
    [x1, y1, z1] = max;
  const positions = Float32Array.from([x0, y0, z0, x1, y0, z0, x1, y1, z0, x0, y1, z0, x0, y0, z1, x1, y0, z1, x1, y1, z1, x0, y1, z1]);
  const indices = Uint32Array.from([
    0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7,
  ]);
  return { positions, indices };
}

/** UV sphere, indexed and closed (single pole vertices), CCW from outside. */
export function sphere(radius: number, segments: number, rings: number, centre: [number, number, number] = [0, 0, 0]): Mesh {
  const positions: number[] = [centre[0], centre[1], centre[2] + radius];
  for (let r = 1; r < rings; r++) {
    const theta = (Math.PI * r) / rings;
    for (let s = 0; s < segments; s++) {
      const phi = (2 * Math.PI * s) / segments;
      positions.push(
        centre[0] + radius * Math.sin(theta) * Math.cos(phi),
        centre[1] + radius * Math.sin(theta) * Math.sin(phi),
        centre[2] + radius * Math.cos(theta),
      );
    }
  }
  positions.push(centre[0], centre[1], centre[2] - radius);
  const south = positions.length / 3 - 1;
  const ring = (r: number, s: number) => 1 + (r - 1) * segments + (s % segments);
  const indices: number[] = [];
  for (let s = 0; s < segments; s++) indices.push(0, ring(1, s), ring(1, s + 1));
  for (let r = 1; r < rings - 1; r++) {
    for (let s = 0; s < segments; s++) {
      indices.push(ring(r, s), ring(r + 1, s), ring(r + 1, s + 1), ring(r, s), ring(r + 1, s + 1), ring(r, s + 1));
    }
  }
  for (let s = 0; s < segments; s++) indices.push(ring(rings - 1, s), south, ring(rings - 1, s + 1));
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}

/** The mesh without the given faces (holes). */
export function removeFaces(mesh: Mesh, faces: number[]): Mesh {
  const drop = new Set(faces);
  const indices: number[] = [];
  for (let f = 0; f < mesh.indices.length / 3; f++) if (!drop.has(f)) indices.push(...mesh.indices.subarray(f * 3, f * 3 + 3));
  return { positions: mesh.positions, indices: Uint32Array.from(indices) };
}

export function flipFaces(mesh: Mesh, faces: number[] | 'all'): Mesh {
  const indices = mesh.indices.slice();
  const list = faces === 'all' ? Array.from({ length: indices.length / 3 }, (_, i) => i) : faces;
  for (const f of list) [indices[f * 3 + 1], indices[f * 3 + 2]] = [indices[f * 3 + 2], indices[f * 3 + 1]];
  return { positions: mesh.positions, indices };
}

/** Every triangle with its own three vertices; optional noise (fraction of the coordinate) per corner copy. */
export function toSoup(mesh: Mesh, noise = 0, seed = 1): Mesh {
  let state = seed;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5;
  const positions = new Float32Array(mesh.indices.length * 3);
  for (let i = 0; i < mesh.indices.length; i++) {
    for (let k = 0; k < 3; k++) {
      const v = mesh.positions[mesh.indices[i] * 3 + k];
      positions[i * 3 + k] = v + v * noise * random();
    }
  }
  return { positions, indices: Uint32Array.from({ length: mesh.indices.length }, (_, i) => i) };
}

export function combine(...parts: Mesh[]): Mesh {
  return mergeMeshes(parts);
}

/** Volume of a closed, outward-wound mesh. */
export function volumeOf(mesh: Mesh): number {
  const p = mesh.positions,
    t = mesh.indices;
  let sum = 0;
  for (let i = 0; i < t.length; i += 3) {
    const a = t[i] * 3,
      b = t[i + 1] * 3,
      c = t[i + 2] * 3;
    sum +=
      p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) -
      p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) +
      p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c]);
  }
  return sum / 6;
}
