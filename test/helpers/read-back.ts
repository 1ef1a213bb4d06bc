/** Reads our outputs back with independent tools: three.js loaders and the Khronos glTF validator. */
import * as THREE from 'three';
import { STLLoader } from 'three/examples/jsm/loaders/STLLoader.js';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import validator from 'gltf-validator';

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function concatChunks(chunks: Iterable<Uint8Array>): Uint8Array {
  const list = [...chunks];
  const out = new Uint8Array(list.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of list) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export function stlTrianglesWithThree(stl: Uint8Array): { triangles: number; size: THREE.Vector3 } {
  const geometry = new STLLoader().parse(arrayBufferOf(stl));
  geometry.computeBoundingBox();
  const size = new THREE.Vector3();
  geometry.boundingBox!.getSize(size);
  return { triangles: geometry.getAttribute('position').count / 3, size };
}

export async function glbTrianglesWithThree(glb: Uint8Array): Promise<{ triangles: number; sizeMetres: THREE.Vector3 }> {
  const scene = await new Promise<THREE.Group>((resolve, reject) => {
    new GLTFLoader().parse(arrayBufferOf(glb), '', (gltf) => resolve(gltf.scene), reject);
  });
  scene.updateMatrixWorld(true);
  let triangles = 0;
  scene.traverse((object) => {
    if (object instanceof THREE.Mesh) {
      const g = object.geometry as THREE.BufferGeometry;
      triangles += (g.index ? g.index.count : g.getAttribute('position').count) / 3;
    }
  });
  const sizeMetres = new THREE.Box3().setFromObject(scene).getSize(new THREE.Vector3());
  return { triangles, sizeMetres };
}

export async function glbValidatorErrors(glb: Uint8Array): Promise<number> {
  const report = await validator.validateBytes(glb, { uri: 'model.glb' });
  return report.issues.numErrors;
}
