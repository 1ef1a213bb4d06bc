/** Joins chunks read from a stream into one buffer of `byteLength` bytes (their total). */
export function concatChunks(chunks: readonly Uint8Array[], byteLength: number): Uint8Array<ArrayBuffer> {
  const whole = new Uint8Array(byteLength);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
}
