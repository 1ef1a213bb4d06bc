/** A web stream as an async iterable (what the storage port takes), releasing the reader however it ends. */
export async function* readChunks(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops the sender when the consumer gives up early (e.g. storage over its byte limit).
    await reader.cancel().catch(() => undefined);
  }
}
