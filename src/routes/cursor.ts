/** Opaque pagination cursors: (createdAt, id) of the last row seen, base64url JSON. */
import { ServiceError } from '../domain/errors.ts';

export interface Cursor {
  createdAt: number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.createdAt, cursor.id]))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (!raw) return undefined;
  try {
    const [createdAt, id] = JSON.parse(atob(raw.replace(/-/g, '+').replace(/_/g, '/'))) as [unknown, unknown];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through
  }
  throw ServiceError.of('invalid_request', 'the cursor is not valid');
}
