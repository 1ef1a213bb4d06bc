/**
 * Counts an XML start tag (`<triangle` followed by whitespace or `/`) in bytes that arrive in
 * pieces, without decoding them to a string or keeping them: a model part can inflate to hundreds
 * of MB, and only the count matters at upload. A tag cut between two pieces counts once: the last
 * few bytes of each piece are kept to check the seam with the next.
 */

export interface TagCounter {
  /** Counts the tags this piece completes; returns the running total. */
  push(chunk: Uint8Array): number;
}

const WHITESPACE_OR_SLASH = new Set([0x20, 0x09, 0x0a, 0x0d, 0x2f]);

export function createTagCounter(name: string): TagCounter {
  const tag = Uint8Array.from(`<${name}`, (ch) => ch.charCodeAt(0));
  // A match is the tag plus one delimiter; a carry one byte shorter can never hold a whole match,
  // so nothing counted in one piece is counted again at the next seam.
  const matchLength = tag.length + 1;
  let carry = new Uint8Array(0);
  let count = 0;

  const matchesAt = (bytes: Uint8Array, at: number): boolean => {
    if (at + matchLength > bytes.length) return false;
    for (let k = 0; k < tag.length; k++) if (bytes[at + k] !== tag[k]) return false;
    return WHITESPACE_OR_SLASH.has(bytes[at + tag.length]);
  };

  return {
    push(chunk) {
      if (carry.length > 0) {
        // Matches that start in the carry and end in this piece.
        const seam = new Uint8Array(carry.length + Math.min(chunk.length, matchLength - 1));
        seam.set(carry);
        seam.set(chunk.subarray(0, seam.length - carry.length), carry.length);
        for (let at = 0; at < carry.length; at++) if (matchesAt(seam, at)) count++;
        carry = seam.subarray(Math.max(0, seam.length - (matchLength - 1)));
        if (chunk.length < matchLength - 1) return count; // the whole piece is in the seam (and the carry)
      }
      for (let at = chunk.indexOf(tag[0]); at >= 0; at = chunk.indexOf(tag[0], at + 1)) if (matchesAt(chunk, at)) count++;
      carry = chunk.slice(chunk.length - Math.min(chunk.length, matchLength - 1));
      return count;
    },
  };
}
