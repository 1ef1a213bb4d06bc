/** Everything three.js the create page needs, in one lazily loaded chunk. */
import { DoubleSide, Group, Mesh, MeshStandardMaterial } from 'three';
import type { BufferGeometry, Object3D } from 'three';
import type { Picture } from '../picture.ts';
import { buildPreview } from './preview-mesh.ts';
import type { PreviewParams } from './preview-mesh.ts';

export { Viewer } from './viewer.ts';
export { loadMeshFile } from './mesh-file.ts';
export { textObject } from './preview-text.ts';

const COLOURS = {
  lithophane: 0xf4f1e8,
  relief: 0xc9ced6,
  extrude: 0x3b82f6,
  'colour-relief': 0xc9ced6,
  'colour-lithophane': 0xf4f1e8,
} as const;

export function previewObject(
  picture: Picture,
  params: PreviewParams,
): { object: Object3D; sizeMm: [number, number, number]; parts: number } {
  const { geometries, sizeMm, parts } = buildPreview(picture, params);
  const material = new MeshStandardMaterial({ color: COLOURS[params.mode], roughness: 0.75, metalness: 0, side: DoubleSide });
  const group = new Group();
  geometries.forEach((g: BufferGeometry, i) => group.add(new Mesh(g, i === 0 ? material : material.clone())));
  return { object: group, sizeMm, parts };
}
