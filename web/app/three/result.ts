/** The result page's three.js chunk: the job's GLB (vertices in mm, node scale 0.001, Z up). */
import { Box3, DoubleSide, Group, type Mesh, MeshStandardMaterial, Vector3 } from 'three';
import type { Object3D } from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';

export { Viewer } from './viewer.ts';

export async function loadModel(url: string, colour: number): Promise<{ object: Object3D; size: Vector3 }> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`the model could not be loaded (${response.status})`);
  const gltf = await new GLTFLoader().parseAsync(await response.arrayBuffer(), '');
  const root = gltf.scene;
  // Our GLB keeps millimetre vertices under a 0.001 node scale: undo it to work in mm.
  root.scale.setScalar(1000);
  root.traverse((node) => {
    const mesh = node as Mesh;
    if (mesh.isMesh) {
      mesh.material = new MeshStandardMaterial({ color: colour, roughness: 0.7, metalness: 0, side: DoubleSide, flatShading: true });
    }
  });
  const group = new Group();
  group.add(root);
  group.updateMatrixWorld(true);
  const box = new Box3().setFromObject(group);
  const centre = box.getCenter(new Vector3());
  root.position.set(-centre.x, -centre.y, -box.min.z);
  return { object: group, size: box.getSize(new Vector3()) };
}
