/**
 * The text preview's model in the viewer: the solid the worker built with the server's pipeline
 * (web/app/text), shown as it is, moved so it stands centred on the bed like the other previews.
 * Un-indexed so every face gets its own normal: the flat tops and walls read as flat.
 */
import { BufferAttribute, BufferGeometry, Mesh, MeshStandardMaterial } from 'three';
import type { Object3D } from 'three';

const TEXT_COLOUR = 0x3b82f6;

export function textObject(positions: Float32Array, indices: Uint32Array, sizeMm: readonly number[]): Object3D {
  const indexed = new BufferGeometry();
  indexed.setAttribute('position', new BufferAttribute(positions, 3));
  indexed.setIndex(new BufferAttribute(indices, 1));
  const geometry = indexed.toNonIndexed();
  indexed.dispose();
  geometry.translate(-sizeMm[0] / 2, -sizeMm[1] / 2, 0);
  geometry.computeVertexNormals();
  return new Mesh(geometry, new MeshStandardMaterial({ color: TEXT_COLOUR, roughness: 0.75, metalness: 0 }));
}
