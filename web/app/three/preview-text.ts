/**
 * The text preview's model in the viewer: the solid the worker built with the server's pipeline
 * (web/app/text), shown as it is, moved so it stands centred on the bed like the other previews.
 * Un-indexed so every face gets its own normal (flat tops and walls read as flat), and two-toned:
 * what rises above the plate (letters, border) in a light colour, as a filament change at the
 * plate's top would print it, so the text reads from any angle.
 */
import { BufferAttribute, BufferGeometry, Color, Float32BufferAttribute, Mesh, MeshStandardMaterial } from 'three';
import type { Object3D } from 'three';

const PLATE_COLOUR = 0x3b82f6;
const RAISED_COLOUR = 0xf8fafc;

export function textObject(positions: Float32Array, indices: Uint32Array, sizeMm: readonly number[], plateMm: number): Object3D {
  const indexed = new BufferGeometry();
  indexed.setAttribute('position', new BufferAttribute(positions, 3));
  indexed.setIndex(new BufferAttribute(indices, 1));
  const geometry = indexed.toNonIndexed();
  indexed.dispose();
  const flat = geometry.getAttribute('position').array as Float32Array;
  const colours = new Float32Array(flat.length);
  const plate = new Color(PLATE_COLOUR);
  const raised = new Color(RAISED_COLOUR);
  for (let t = 0; t < flat.length; t += 9) {
    const top = Math.max(flat[t + 2], flat[t + 5], flat[t + 8]);
    const c = top > plateMm + 1e-3 ? raised : plate;
    for (let v = 0; v < 9; v += 3) (colours[t + v] = c.r), (colours[t + v + 1] = c.g), (colours[t + v + 2] = c.b);
  }
  geometry.setAttribute('color', new Float32BufferAttribute(colours, 3));
  geometry.translate(-sizeMm[0] / 2, -sizeMm[1] / 2, 0);
  geometry.computeVertexNormals();
  return new Mesh(geometry, new MeshStandardMaterial({ vertexColors: true, roughness: 0.75, metalness: 0 }));
}
