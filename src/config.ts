/**
 * Configuration from the environment, read once by a composition root and passed down. Nothing
 * else reads process.env. Every setting has a default that runs the embedded product with no
 * keys at all.
 */
export interface AppConfig {
  port: number;
  /** Public origin of the server, used for links and auth (BASE_URL). */
  baseUrl: string;
  dataDir: string;
  /** Secret for sessions and signed URLs; generated into DATA_DIR when not set. */
  authSecret?: string;
  trustedOrigins: string[];
  signupGrantCredits: number;
  poolSize: number;
  jobTimeoutMs: number;
  /** Jobs a user may have running at once. */
  perUserConcurrency: number;
  maxUploadBytes: number;
  signedUrlTtlSeconds: number;
  apiKeyRateLimitPerMinute: number;
  /** better-auth's per-IP limits on sign-in and sign-up (AUTH_RATE_LIMIT=off turns them off, e.g. in tests). */
  authRateLimit: boolean;
  googleClientId?: string;
  googleClientSecret?: string;
  githubClientId?: string;
  githubClientSecret?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Creem: API key (creem_test_… = test mode), webhook secret, optional server override (tests). */
  creemApiKey?: string;
  creemWebhookSecret?: string;
  creemApiUrl?: string;
  /** Products: `key=productId:credits:pack|plan`, comma separated. */
  creemProducts: string;
  /** Optional JSON price table overriding the defaults. */
  pricingJson?: string;
  /** Days uploads and job outputs are kept: without a plan, and with an active plan (0 = kept). */
  retentionDaysFree: number;
  retentionDaysPlan: number;
  /** Requests a minute per caller (user, else IP) on uploads and on job creation; per IP on the whole API. */
  uploadsPerMinute: number;
  jobsPerMinute: number;
  apiPerIpPerMinute: number;
  /** Take the client IP from X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean;
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${key} must be a number, not "${raw}"`);
  return n;
}

export function loadConfig(env: Env, defaults: { cores: number }): AppConfig {
  const port = int(env, 'PORT', 3000);
  return {
    port,
    baseUrl: env.BASE_URL ?? `http://localhost:${port}`,
    dataDir: env.DATA_DIR ?? './data',
    authSecret: env.BETTER_AUTH_SECRET || env.AUTH_SECRET || undefined,
    trustedOrigins: (env.TRUSTED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    signupGrantCredits: int(env, 'SIGNUP_GRANT_CREDITS', 50),
    poolSize: Math.max(1, int(env, 'POOL_SIZE', defaults.cores)),
    jobTimeoutMs: int(env, 'JOB_TIMEOUT_MS', 5 * 60_000),
    perUserConcurrency: Math.max(1, int(env, 'PER_USER_CONCURRENCY', 2)),
    maxUploadBytes: int(env, 'MAX_UPLOAD_BYTES', 50 * 1024 * 1024),
    signedUrlTtlSeconds: int(env, 'SIGNED_URL_TTL_SECONDS', 15 * 60),
    apiKeyRateLimitPerMinute: int(env, 'API_KEY_RATE_LIMIT_PER_MINUTE', 120),
    authRateLimit: env.AUTH_RATE_LIMIT !== 'off',
    googleClientId: env.GOOGLE_CLIENT_ID || undefined,
    googleClientSecret: env.GOOGLE_CLIENT_SECRET || undefined,
    githubClientId: env.GITHUB_CLIENT_ID || undefined,
    githubClientSecret: env.GITHUB_CLIENT_SECRET || undefined,
    logLevel: (env.LOG_LEVEL as AppConfig['logLevel']) ?? 'info',
    creemApiKey: env.CREEM_API_KEY || undefined,
    creemWebhookSecret: env.CREEM_WEBHOOK_SECRET || undefined,
    creemApiUrl: env.CREEM_API_URL || undefined,
    creemProducts: env.CREEM_PRODUCTS ?? '',
    pricingJson: env.PRICING_JSON || undefined,
    retentionDaysFree: Math.max(0, int(env, 'RETENTION_DAYS_FREE', 30)),
    retentionDaysPlan: Math.max(0, int(env, 'RETENTION_DAYS_PLAN', 365)),
    uploadsPerMinute: int(env, 'RATE_LIMIT_UPLOADS_PER_MINUTE', 30),
    jobsPerMinute: int(env, 'RATE_LIMIT_JOBS_PER_MINUTE', 30),
    apiPerIpPerMinute: int(env, 'RATE_LIMIT_API_PER_IP_PER_MINUTE', 600),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
  };
}
