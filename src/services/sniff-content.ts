/**
 * What an uploaded file IS, decided from its first bytes, never from its name or Content-Type
 * (a PNG renamed .stl is a PNG). Images by their magic numbers; AVIF and HEIC by the brand of
 * their ISO-BMFF "ftyp" box; meshes by sniffMeshFormat (magic, PLY line, binary STL size, text
 * keywords); TrueType fonts by their sfnt version. Pure: bytes in, a verdict out; undefined means "not something we accept".
 */
import { sniffMeshFormat } from '../pipeline/import/sniff.ts';
import type { MeshFormat } from '../pipeline/import/sniff.ts';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heif';

export type SniffedContent =
  | { kind: 'image'; format: ImageFormat }
  | { kind: 'mesh'; format: MeshFormat }
  | { kind: 'font'; format: 'ttf' };

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

export function sniffContent(bytes: Uint8Array): SniffedContent | undefined {
  const image = sniffImageFormat(bytes);
  if (image) return { kind: 'image', format: image };
  // Before the meshes: a binary STL's 80-byte header is free text and could start with anything.
  if (looksLikeTrueType(bytes)) return { kind: 'font', format: 'ttf' };
  const mesh = sniffMeshFormat(bytes);
  if (mesh) return { kind: 'mesh', format: mesh };
  return undefined;
}

export function sniffImageFormat(b: Uint8Array): ImageFormat | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 4) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a)
    return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  // Classic TIFF (42) and BigTIFF (43), both byte orders.
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && (b[2] === 42 || b[2] === 43) && b[3] === 0) ||
      (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 42 || b[3] === 43)))
  )
    return 'tiff';
  return sniffHeifFamily(b);
}

/**
 * A TrueType font (a text job's own font): the sfnt version 0x00010000 or 'true', then a table
 * count whose directory fits the file, so an STL header that happens to start so is not taken.
 */
export function looksLikeTrueType(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = view.getUint32(0);
  if (version !== 0x00010000 && version !== 0x74727565) return false;
  const tables = view.getUint16(4);
  return tables >= 1 && tables <= 64 && b.length >= 12 + 16 * tables;
}

/** ftyp box: size(4) "ftyp" major-brand(4) minor(4) compatible-brands(4 each). AVIF wins over HEIF. */
function sniffHeifFamily(b: Uint8Array): ImageFormat | undefined {
  if (b.length < 16 || String.fromCharCode(...b.subarray(4, 8)) !== 'ftyp') return undefined;
  const boxSize = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
  const end = Math.min(b.length, Math.max(boxSize, 16), 256);
  const brands = [String.fromCharCode(...b.subarray(8, 12))];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(String.fromCharCode(...b.subarray(at, at + 4)));
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
  if (brands.some((brand) => HEIF_BRANDS.has(brand))) return 'heif';
  return undefined;
}
