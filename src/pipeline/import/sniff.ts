/**
 * Decides a mesh file's format from its bytes, never its name (uploads are misnamed all the
 * time): GLB by its "glTF" magic, 3MF by the zip local-header magic "PK\x03\x04", PLY by its
 * "ply" first line, binary STL by its size matching 84 + 50 x the header's count (even when the
 * header starts with "solid"), ASCII STL by "solid" plus a "facet"/"endsolid" keyword, OBJ by
 * lines starting with v/f/o/g/#. Returns undefined for anything else — and for any file that opens
 * with a picture's signature: the binary-STL size test alone matches about 1 file in 50 (an
 * 18,534-byte PNG logo once read as an STL claiming 478,624,486 triangles).
 */
export type MeshFormat = 'stl' | 'obj' | 'ply' | 'glb' | '3mf';

export function sniffMeshFormat(bytes: Uint8Array): MeshFormat | undefined {
  if (opensLikeAPicture(bytes)) return undefined;
  if (bytes.length >= 4) {
    const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
    if (magic === 'glTF') return 'glb';
    if (magic === 'PK\x03\x04') return '3mf';
    if (magic === 'ply\n' || magic === 'ply\r') return 'ply';
  }
  if (bytes.length >= 84) {
    const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
    if (84 + 50 * count === bytes.length) return 'stl';
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  if (/^\s*solid\b/i.test(head) && (/\b(facet|endsolid)\b/i.test(head) || bytes.length < 4096)) return 'stl';
  if (looksLikeObj(head)) return 'obj';
  // A binary STL whose count field is wrong still has an 80-byte header and 50-byte records.
  if (bytes.length > 84 && (bytes.length - 84) % 50 === 0 && /[\u0000-\u0008\u000e-\u001f\u0080-\u00ff]/.test(head.slice(84))) return 'stl';
  return undefined;
}

function looksLikeObj(head: string): boolean {
  if (/[\u0000-\u0008\u000e-\u001f]/.test(head)) return false;
  return /^(v|vn|vt|f|o|g|mtllib|usemtl|s)\s/m.test(head) && /^v\s+\S+\s+\S+\s+\S+/m.test(head);
}

/** PNG, JPEG, GIF, WebP, TIFF, BMP and the ISO-BMFF family (AVIF, HEIC) by their first bytes. */
function opensLikeAPicture(b: Uint8Array): boolean {
  const at = (offset: number, ...values: number[]) => values.every((v, i) => b[offset + i] === v);
  return (
    at(0, 0x89, 0x50, 0x4e, 0x47) ||
    at(0, 0xff, 0xd8, 0xff) ||
    at(0, 0x47, 0x49, 0x46, 0x38) ||
    (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) ||
    at(0, 0x49, 0x49, 0x2a, 0x00) ||
    at(0, 0x4d, 0x4d, 0x00, 0x2a) ||
    (at(0, 0x42, 0x4d) && b.length > 26 && b[14] >= 12 && b[15] === 0 && b[16] === 0 && b[17] === 0) ||
    at(4, 0x66, 0x74, 0x79, 0x70)
  );
}
