/**
 * The `Range` request header for one byte range (RFC 9110 §14): `bytes=a-b`, `a-`, `-n`.
 * Anything we do not serve as a single range (other units, several ranges, bad syntax) is
 * ignored and the whole file is sent, which the RFC allows; only a well-formed range that lies
 * past the end of the file is unsatisfiable (416).
 */
export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive (the convention of Content-Range and of BlobStorage.stream). */
  end: number;
}

export type RangeRequest = { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'full' };
  const match = SINGLE_RANGE.exec(header.trim().replace(/\s+/g, ''));
  if (!match) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };

  if (first === '') {
    // Suffix range: the last n bytes. `-0` asks for nothing, which no file can satisfy.
    const length = Number(last);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - length), end: size - 1 } };
  }

  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'full' }; // syntactically invalid: ignore the header
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'partial', range: { start, end } };
}

export const contentRange = (range: ByteRange, size: number) => `bytes ${range.start}-${range.end}/${size}`;
export const unsatisfiedRange = (size: number) => `bytes */${size}`;
