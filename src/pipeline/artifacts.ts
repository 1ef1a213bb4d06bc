/** Files a job produces. Big meshes are chunked so a host can stream them to storage. */
export interface Artifact {
  name: string;
  contentType: string;
  byteLength: number;
  /** Yields the bytes in order; may be called more than once. */
  chunks: () => Iterable<Uint8Array>;
}

export function bytesArtifact(name: string, contentType: string, bytes: Uint8Array): Artifact {
  return { name, contentType, byteLength: bytes.byteLength, chunks: () => [bytes] };
}

export const CONTENT_TYPES: Record<string, string> = {
  stl: 'model/stl',
  '3mf': 'model/3mf',
  glb: 'model/gltf-binary',
  obj: 'model/obj',
  png: 'image/png',
  json: 'application/json',
};
