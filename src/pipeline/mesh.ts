/**
 * The one mesh type of the pipeline: flat typed arrays, millimetres, triangles counter-clockwise
 * seen from outside. This is the layout manifold-3d uses, so repair and validation need no reshaping.
 */
export interface Mesh {
  /** x, y, z per vertex, in millimetres. */
  positions: Float32Array;
  /** Three vertex indices per triangle, CCW seen from outside. */
  indices: Uint32Array;
}

export interface BoundingBox {
  min: [number, number, number];
  max: [number, number, number];
}

export function triangleCount(mesh: Mesh): number {
  return mesh.indices.length / 3;
}

export function vertexCount(mesh: Mesh): number {
  return mesh.positions.length / 3;
}

export function boundingBox(mesh: Mesh): BoundingBox {
  const p = mesh.positions;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < p.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const v = p[i + k];
      if (v < min[k]) min[k] = v;
      if (v > max[k]) max[k] = v;
    }
  }
  return { min, max };
}

export function boxSize(box: BoundingBox): [number, number, number] {
  return [box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2]];
}

/** Signed volume by the divergence theorem; positive for a closed mesh wound CCW from outside. */
export function signedVolume(mesh: Mesh): number {
  const p = mesh.positions;
  const t = mesh.indices;
  let sum = 0;
  for (let i = 0; i < t.length; i += 3) {
    const a = t[i] * 3,
      b = t[i + 1] * 3,
      c = t[i + 2] * 3;
    const ax = p[a],
      ay = p[a + 1],
      az = p[a + 2];
    const bx = p[b],
      by = p[b + 1],
      bz = p[b + 2];
    const cx = p[c],
      cy = p[c + 1],
      cz = p[c + 2];
    sum += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
  }
  return sum / 6;
}

/** Concatenates meshes without welding (callers weld shared seams themselves). */
export function mergeMeshes(parts: readonly Mesh[]): Mesh {
  let vertices = 0;
  let indices = 0;
  for (const part of parts) {
    vertices += part.positions.length;
    indices += part.indices.length;
  }
  const positions = new Float32Array(vertices);
  const out = new Uint32Array(indices);
  let vOffset = 0;
  let iOffset = 0;
  for (const part of parts) {
    positions.set(part.positions, vOffset);
    const base = vOffset / 3;
    for (let i = 0; i < part.indices.length; i++) out[iOffset + i] = part.indices[i] + base;
    vOffset += part.positions.length;
    iOffset += part.indices.length;
  }
  return { positions, indices: out };
}

export function translateMesh(mesh: Mesh, dx: number, dy: number, dz: number): Mesh {
  const positions = new Float32Array(mesh.positions.length);
  for (let i = 0; i < positions.length; i += 3) {
    positions[i] = mesh.positions[i] + dx;
    positions[i + 1] = mesh.positions[i + 1] + dy;
    positions[i + 2] = mesh.positions[i + 2] + dz;
  }
  return { positions, indices: mesh.indices };
}
