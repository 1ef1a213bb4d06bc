/** Hono context variables every route can rely on. */
import type { ApiKeyScope } from '../domain/api-key-scopes.ts';

export interface SessionUser {
  id: string;
  email: string;
  name?: string;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    /** null when the request is anonymous. */
    user: SessionUser | null;
    /** Set when the request authenticated with an API key. */
    apiKeyId?: string;
    /** That key's scopes (a session has no such limit). */
    apiKeyScopes?: readonly ApiKeyScope[];
    /** Where links handed out in this response point: BASE_URL when pinned, else this request's own origin. */
    publicOrigin?: string;
  };
}
