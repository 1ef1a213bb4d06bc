/**
 * 3MF packages built for the limits tests: a zip written by hand around raw deflate data (so a
 * test can put anything in an entry, even a broken tail), and the archive bomb of issue 14 — a
 * few hundred KB whose model part inflates to hundreds of MB of padding around a tetrahedron —
 * made in 1 MB pieces, so building it never holds the whole part in memory.
 */
import { constants as zlib, deflateRawSync } from 'node:zlib';
import { Deflate, strToU8 } from 'fflate';

export interface RawZipEntry {
  name: string;
  /** Raw deflate data (method 8). */
  deflated: Uint8Array;
  /** The size the central directory declares; readers check it while inflating. */
  uncompressedSize: number;
}

/** A zip of deflated entries (CRCs are zero: our reader does not check them). */
export function zipOfRawEntries(entries: RawZipEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = strToU8(entry.name);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, 8, true);
    lv.setUint32(18, entry.deflated.length, true);
    lv.setUint32(22, entry.uncompressedSize, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const header = new Uint8Array(46 + name.length);
    const cv = new DataView(header.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, 8, true);
    cv.setUint32(20, entry.deflated.length, true);
    cv.setUint32(24, entry.uncompressedSize, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    header.set(name, 46);
    parts.push(local, entry.deflated);
    central.push(header);
    offset += local.length + entry.deflated.length;
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  return concat([...parts, ...central, end]);
}

/**
 * Deflates pieces one at a time. `finish: false` leaves the stream open at a byte boundary (no
 * final block) for a test to append to; level 0 stores the bytes as they are (1:1, so a test knows
 * how much input a reader must take to reach a given point of the output).
 */
export function deflatePieces(pieces: Iterable<Uint8Array>, options: { finish?: boolean; level?: 0 | 9 } = {}): Uint8Array {
  const out: Uint8Array[] = [];
  const deflate = new Deflate({ level: options.level ?? 9 }, (chunk) => out.push(chunk));
  for (const piece of pieces) deflate.push(piece);
  if (options.finish ?? true) deflate.push(new Uint8Array(0), true);
  else deflate.flush(true);
  return concat(out);
}

export const TETRA_OBJECT =
  '<object id="1" type="model"><mesh><vertices><vertex x="0" y="0" z="0"/><vertex x="10" y="0" z="0"/><vertex x="0" y="10" z="0"/><vertex x="0" y="0" z="10"/></vertices><triangles><triangle v1="0" v2="2" v3="1"/><triangle v1="0" v2="1" v3="3"/><triangle v1="0" v2="3" v3="2"/><triangle v1="1" v2="2" v3="3"/></triangles></mesh></object>';

/**
 * Issue 14's bomb: a valid 3MF holding a tetrahedron whose model part is padded with spaces to
 * `modelBytes` (398 MB, just under the 384 MiB limit, deflates to about 390 KB). Built in
 * milliseconds: one deflated MB of spaces is a run of blocks whose copies reach back only into
 * their own spaces, so it can follow any history and is repeated as it is.
 */
export function threeMfBomb(modelBytes = 398_000_000): Uint8Array {
  const head = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?>\n<model unit="millimeter" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02"><resources>${TETRA_OBJECT}`,
  );
  const tail = strToU8('</resources><build><item objectid="1"/></build></model>');
  const open = { level: 9, finishFlush: zlib.Z_SYNC_FLUSH };
  const megabyte = 1 << 20;
  const padding = modelBytes - head.length - tail.length;
  const spacesMb = deflateRawSync(Buffer.alloc(megabyte, 0x20), open);
  const parts: Uint8Array[] = [deflateRawSync(head, open)];
  for (let i = 0; i < Math.floor(padding / megabyte); i++) parts.push(spacesMb);
  parts.push(deflateRawSync(Buffer.alloc(padding % megabyte, 0x20), open), deflateRawSync(tail));
  return zipOfRawEntries([{ name: '3D/3dmodel.model', deflated: concat(parts), uncompressedSize: modelBytes }]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
