/**
 * Reads one file field of a multipart body with a byte budget enforced WHILE it streams in: the
 * body is counted chunk by chunk and cut off (the sender's stream cancelled) as soon as it passes
 * the limit plus room for the multipart framing, so an oversized upload costs at most that much
 * memory. Content-Length, when sent, refuses it before a byte is read. Web APIs only (Workers too).
 */
import { ServiceError } from '../domain/errors.ts';
import { fileTooLarge } from '../services/upload-limits.ts';
import { BODY_LIMITS } from './body-limits.ts';

export async function readMultipartFile(request: Request, field: string, maxBytes: number): Promise<{ name: string; bytes: Uint8Array }> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw ServiceError.of('invalid_request', `send the file as multipart/form-data in a field named "${field}"`);
  }
  const budget = maxBytes + BODY_LIMITS.multipartOverheadBytes;
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > budget) throw fileTooLarge(maxBytes);
  if (!request.body) throw ServiceError.of('invalid_request', `the request has no body; send a "${field}" field`);

  let received = 0;
  let exceeded = false;
  const limited = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > budget) {
          exceeded = true;
          controller.error(fileTooLarge(maxBytes)); // also cancels the sender's stream
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  let form: FormData;
  try {
    form = await new Request(request.url, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: limited,
      duplex: 'half',
    } as RequestInit).formData();
  } catch (error) {
    if (exceeded) throw fileTooLarge(maxBytes);
    // The body limit in front of every route (limit-body.ts) cut the stream: its 413, not a parse error.
    if (error instanceof ServiceError) throw error;
    throw ServiceError.of('invalid_request', 'the multipart body could not be parsed');
  }
  const file = form.get(field);
  if (file === null || typeof file === 'string') throw ServiceError.of('invalid_request', `no file in a field named "${field}"`);
  if (file.size > maxBytes) throw fileTooLarge(maxBytes);
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}
