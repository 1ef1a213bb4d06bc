/** Hono context variables every route can rely on. */
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
  };
}
