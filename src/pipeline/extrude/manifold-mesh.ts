/**
 * manifold-3d Manifold -> pipeline Mesh (positions from `vertProperties`, indices from `triVerts`).
 */
import type { Manifold } from 'manifold-3d';
import type { Mesh } from '../mesh.ts';

export function manifoldToMesh(manifold: Manifold): Mesh {
  const mesh = manifold.getMesh();
  const numProp = mesh.numProp;
  const props = mesh.vertProperties;
  const vertices = props.length / numProp;
  const positions = new Float32Array(vertices * 3);
  if (numProp === 3) {
    positions.set(props);
  } else {
    for (let v = 0; v < vertices; v++) {
      positions[v * 3] = props[v * numProp];
      positions[v * 3 + 1] = props[v * numProp + 1];
      positions[v * 3 + 2] = props[v * numProp + 2];
    }
  }
  return { positions, indices: new Uint32Array(mesh.triVerts) };
}
