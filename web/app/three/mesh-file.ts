/**
 * A 3D file shown before repair: read in the browser with three's loaders, placed on the bed
 * (min z = 0, centred). Only for the preview; the server parses the file again for the job.
 */
import { Box3, DoubleSide, Group, Mesh, MeshStandardMaterial, Vector3 } from 'three';
import type { BufferGeometry, Object3D } from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { OBJLoader } from 'three/examples/jsm/loaders/OBJLoader.js';
import { PLYLoader } from 'three/examples/jsm/loaders/PLYLoader.js';
import { STLLoader } from 'three/examples/jsm/loaders/STLLoader.js';
import { ThreeMFLoader } from 'three/examples/jsm/loaders/3MFLoader.js';

const material = () => new MeshStandardMaterial({ color: 0x9aa7b8, roughness: 0.7, metalness: 0, side: DoubleSide });

function sniff(bytes: Uint8Array, name: string): string {
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).trimStart();
  if (bytes[0] === 0x67 && bytes[1] === 0x6c && bytes[2] === 0x54 && bytes[3] === 0x46) return 'glb';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return '3mf';
  if (head.startsWith('ply')) return 'ply';
  if (head.startsWith('{')) return 'gltf';
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'obj' || /^(v|vn|vt|f|o|g|#|mtllib)\s/m.test(head)) return ext === 'stl' ? 'stl' : 'obj';
  return 'stl';
}

/** Loads the file into a group in millimetres, Z up, standing on the bed. */
export async function loadMeshFile(file: File): Promise<Object3D> {
  const buffer = await file.arrayBuffer();
  const kind = sniff(new Uint8Array(buffer), file.name);
  let object: Object3D;
  let yUp = false;
  if (kind === 'stl' || kind === 'ply') {
    const geometry: BufferGeometry = kind === 'stl' ? new STLLoader().parse(buffer) : new PLYLoader().parse(buffer);
    if (!geometry.getAttribute('normal')) geometry.computeVertexNormals();
    object = new Mesh(geometry, material());
  } else if (kind === 'obj') {
    object = new OBJLoader().parse(new TextDecoder().decode(buffer));
    yUp = true;
  } else if (kind === '3mf') {
    object = new ThreeMFLoader().parse(buffer);
  } else {
    const gltf = await new GLTFLoader().parseAsync(buffer, '');
    object = gltf.scene;
    // glTF is metres, Y up.
    object.scale.setScalar(1000);
    yUp = true;
  }
  object.traverse((node) => {
    if ((node as Mesh).isMesh) (node as Mesh).material = material();
  });
  const group = new Group();
  if (yUp) object.rotation.x = Math.PI / 2;
  group.add(object);
  group.updateMatrixWorld(true);
  const box = new Box3().setFromObject(group);
  const centre = box.getCenter(new Vector3());
  object.position.sub(new Vector3(centre.x, centre.y, box.min.z));
  return group;
}
