/**
 * Just enough ZIP to read an OPC package (3MF) safely: list entries from the central directory
 * with their DECLARED sizes, then inflate one entry through fflate's streaming Inflate in small
 * pieces, stopping as soon as the output passes the declared size or the caller's limit — into
 * one buffer (readZipEntry, for the job's parser) or piece by piece to a callback that keeps its
 * own budget (inflateZipEntry, for counting at upload without holding the part).
 *
 * Why not unzipSync: it sizes the output from the declared size (good) but a lying entry still
 * makes it inflate everything it holds, writing past the buffer into nothing; a 1 MB deflate
 * bomb costs seconds of CPU. Streaming lets us stop within one piece of the limit.
 * Zip64 sizes in the extra field are understood; a zip64 end-of-directory record is not (3MF
 * packages with more than 65535 entries are not a thing).
 */
import { Inflate } from 'fflate';
import { PipelineError } from '../errors.ts';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  /** As declared by the central directory; checked while inflating. */
  uncompressedSize: number;
  dataOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const INFLATE_PIECE = 4096; // deflate expands at most ~1032x: 4 KB in, at most ~4 MB out
const STORED_PIECE = 1 << 20;

export function listZipEntries(bytes: Uint8Array, operation: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) => new PipelineError('mesh_corrupt', `${operation}: not a readable zip (${why})`, 'import');
  let eocd = -1;
  for (let i = bytes.length - 22; i >= 0 && i >= bytes.length - 22 - 65535; i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad('no end of central directory');
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) throw bad('broken central directory');
    const flags = view.getUint16(offset + 8, true);
    const method = view.getUint16(offset + 10, true);
    let compressedSize = view.getUint32(offset + 20, true);
    let uncompressedSize = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    let localOffset = view.getUint32(offset + 42, true);
    if (offset + 46 + nameLength + extraLength > bytes.length) throw bad('broken central directory');
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    if (flags & 1) throw new PipelineError('unsupported_format', `${operation}: encrypted zip entries are not supported`, 'import');
    // Zip64: values saturated at 0xffffffff live in extra field 0x0001, in this order.
    const extra = new DataView(bytes.buffer, bytes.byteOffset + offset + 46 + nameLength, extraLength);
    for (let e = 0; e + 4 <= extraLength; ) {
      const id = extra.getUint16(e, true);
      const size = extra.getUint16(e + 2, true);
      if (id === 1) {
        let p = e + 4;
        const next = () => {
          if (p + 8 > e + 4 + size) throw bad('short zip64 field');
          const value = Number(extra.getBigUint64(p, true));
          p += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      e += 4 + size;
    }
    if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== LOCAL_SIGNATURE) throw bad(`no local header for ${name}`);
    const dataOffset = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataOffset + compressedSize > bytes.length) throw bad(`${name} runs past the end of the file`);
    entries.push({ name, method, compressedSize, uncompressedSize, dataOffset });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Inflates one entry, refusing more than min(declared size, maxBytes) of output. */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, maxBytes: number, operation: string): Uint8Array {
  // Allocated at the first output, once the method is known to be one we read.
  let out: Uint8Array | undefined;
  let written = 0;
  inflateZipEntry(bytes, entry, maxBytes, operation, (chunk) => {
    out ??= new Uint8Array(entry.uncompressedSize);
    out.set(chunk, written);
    written += chunk.length;
  });
  return out ?? new Uint8Array(0);
}

/**
 * Inflates one entry piece by piece, handing each piece of output to `onChunk` as it comes and
 * keeping none of it: memory stays at one piece (at most ~4 MB) whatever the entry unpacks to. An
 * error thrown by onChunk (a budget it keeps) stops the inflation there. The output is checked
 * against the declared size as it grows and at the end.
 */
export function inflateZipEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  maxBytes: number,
  operation: string,
  onChunk: (chunk: Uint8Array) => void,
): void {
  const declared = checkDeclaredSize(entry, maxBytes, operation);
  const data = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  if (entry.method === 0) {
    if (entry.compressedSize !== declared) throw corruptEntry(entry, operation, 'stored size mismatch');
    for (let start = 0; start < data.length; start += STORED_PIECE) onChunk(data.subarray(start, start + STORED_PIECE));
    return;
  }
  if (entry.method !== 8) {
    throw new PipelineError('unsupported_format', `${operation}: ${entry.name} uses zip compression method ${entry.method}`, 'import');
  }
  let written = 0;
  const inflate = new Inflate((chunk) => {
    if (written + chunk.length > declared) throw corruptEntry(entry, operation, 'unpacks to more than its declared size');
    written += chunk.length;
    onChunk(chunk);
  });
  try {
    for (let start = 0; start < data.length; start += INFLATE_PIECE) {
      const end = Math.min(start + INFLATE_PIECE, data.length);
      inflate.push(data.subarray(start, end), end === data.length);
    }
    if (data.length === 0) inflate.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    throw corruptEntry(entry, operation, 'invalid deflate data');
  }
  if (written !== declared) throw corruptEntry(entry, operation, 'unpacks to less than its declared size');
}

function checkDeclaredSize(entry: ZipEntry, maxBytes: number, operation: string): number {
  if (entry.uncompressedSize > maxBytes) {
    throw new PipelineError(
      'file_too_large',
      `${operation}: ${entry.name} unpacks to ${entry.uncompressedSize} bytes, the limit is ${maxBytes}`,
      'import',
      {
        entry: entry.name,
        uncompressedSize: entry.uncompressedSize,
        maxUncompressedBytes: maxBytes,
      },
    );
  }
  return entry.uncompressedSize;
}

function corruptEntry(entry: ZipEntry, operation: string, why: string): PipelineError {
  return new PipelineError('mesh_corrupt', `${operation}: zip entry ${entry.name}: ${why}`, 'import');
}
