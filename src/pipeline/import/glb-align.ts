/**
 * Some exporters (trimesh's cube.glb among them) write a JSON chunk whose length is not a
 * multiple of 4, so the BIN chunk starts misaligned and glTF-Transform's typed-array views throw
 * "start offset of Uint32Array should be a multiple of 4". The spec requires padding; we add it
 * (spaces, as the spec pads JSON) in a copy, and copy anyway when the whole buffer is misaligned
 * (Node Buffers from a shared pool).
 */
export function alignGlbChunks(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(12, true);
  const pad = (4 - (jsonLength % 4)) % 4;
  if (pad === 0) return bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const out = new Uint8Array(bytes.length + pad);
  out.set(bytes.subarray(0, 20 + jsonLength));
  out.fill(0x20, 20 + jsonLength, 20 + jsonLength + pad);
  out.set(bytes.subarray(20 + jsonLength), 20 + jsonLength + pad);
  const outView = new DataView(out.buffer);
  outView.setUint32(8, out.length, true);
  outView.setUint32(12, jsonLength + pad, true);
  return out;
}
