/**
 * The HTTP API, and nothing else: web/ talks to the server only through /api (DESIGN.md).
 * Errors arrive as { error: { code, message } } and become ApiError.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

async function parseError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `request failed (${res.status})`;
  let details: Record<string, unknown> | undefined;
  try {
    const body = (await res.json()) as {
      error?: { code?: string; message?: string; details?: Record<string, unknown> };
      message?: string;
      code?: string;
    };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details;
    } else if (body.message) {
      // better-auth answers { code, message }.
      code = body.code ?? code;
      message = body.message;
    }
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, code, message, details);
}

export async function request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers.set('content-type', 'application/json');
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { ...init, method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached; check your connection and try again');
  }
  if (!res.ok) {
    const error = await parseError(res);
    if (res.status === 401 && !path.startsWith('/api/auth/')) window.dispatchEvent(new CustomEvent('unauthorized'));
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown, init?: RequestInit) => request<T>('POST', path, body ?? {}, init),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** Upload with progress (fetch cannot report upload progress). */
export function uploadFile(file: File, onProgress: (fraction: number) => void): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/uploads');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload was interrupted; try again'));
    xhr.onload = () => {
      const body = xhr.response as { error?: { code: string; message: string } } | Upload | null;
      if (xhr.status === 201) return resolve(body as Upload);
      const err = (body as { error?: { code: string; message: string } } | null)?.error;
      reject(new ApiError(xhr.status, err?.code ?? `http_${xhr.status}`, err?.message ?? 'the upload failed'));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

export interface User {
  id: string;
  email: string;
  name: string;
}
export interface Upload {
  id: string;
  status: 'pending' | 'ready';
  kind: 'image' | 'mesh' | null;
  format: string | null;
  originalName: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  triangles: number | null;
  createdAt: number;
}
export interface JobArtifact {
  name: string;
  contentType: string;
  bytes: number;
  etag: string;
  url: string;
}
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export interface Job {
  id: string;
  mode: string;
  status: JobStatus;
  uploadId: string | null;
  /** The uploaded file's name (photo.jpg). */
  uploadName?: string | null;
  /** The preview picture, once there is one. */
  thumbnailUrl?: string | null;
  params: Record<string, unknown>;
  progress: number;
  stage: string | null;
  error: { code: string; message: string } | null;
  cost: number;
  creditState: string;
  result: Record<string, unknown> | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** When retention deletes the job's files (null = kept), and when it did. */
  expiresAt?: number | null;
  purgedAt?: number | null;
  artifacts?: JobArtifact[];
}
export interface CreditEntry {
  id: string;
  amount: number;
  reason: string;
  reference: string | null;
  createdAt: number;
  /** For a job's movement: its kind and where its credits stand now. */
  job?: { mode: string; creditState: 'none' | 'held' | 'captured' | 'refunded' } | null;
}
export interface CreditsPage {
  balance: number;
  entries: CreditEntry[];
  nextCursor: string | null;
  billing: {
    plan: { product: string | null; key: string | null; status: string | null; periodEnd: number | null } | null;
    flagged: boolean;
    flagReason: string | null;
  };
}
export interface Pricing {
  sizeClasses: { S: number; M: number };
  modes: Array<{ mode: string; available: boolean; prices: Record<string, number> }>;
  products: Array<{ key: string; credits: number; kind: string }>;
}
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
