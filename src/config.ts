/**
 * Configuration from the environment, read once by a composition root and passed down. Nothing
 * else reads process.env. Every setting has a default that runs the embedded product with no
 * keys at all.
 */
export interface AppConfig {
  port: number;
  /** Address to listen on (HOST), e.g. 127.0.0.1 behind a local proxy; unset = every interface, as before. */
  host?: string;
  /** Public origin of the server, used for links and auth (BASE_URL). */
  baseUrl: string;
  /**
   * True when the operator set BASE_URL: only it (and TRUSTED_ORIGINS) is ours. Unset, the server is
   * whatever address it was reached at (localhost, 127.0.0.1, a LAN IP, a Pi's name): pages, sign-up
   * and links follow the request's own origin (src/http/request-origin.ts).
   */
  baseUrlPinned: boolean;
  dataDir: string;
  /** Secret for sessions and signed URLs; generated into DATA_DIR when not set. */
  authSecret?: string;
  trustedOrigins: string[];
  signupGrantCredits: number;
  poolSize: number;
  /** V8 heap cap per worker thread (WORKER_HEAP_MB); a job past it fails out_of_memory and the thread is replaced. */
  workerHeapMb: number;
  /** How long a SIGTERM waits for running jobs before putting them back in the queue (SHUTDOWN_GRACE_MS). */
  shutdownGraceMs: number;
  /** How long a write waits for another SQLite writer before the API answers 503 (SQLITE_BUSY_TIMEOUT_MS). */
  sqliteBusyTimeoutMs: number;
  jobTimeoutMs: number;
  /** Jobs a user may have running at once. */
  perUserConcurrency: number;
  /** Past these a job is refused at creation with 422 job_too_large (MAX_JOB_GRID_SAMPLES, MAX_JOB_MEMORY_MB; see src/pipeline/estimate.ts). */
  jobLimits: { maxGridSamples: number; maxMemoryMb: number };
  /** How the pool is shared between users (src/jobs/runner.ts, claimNext in src/repositories/jobs.ts). */
  fairShare: FairShareConfig;
  maxUploadBytes: number;
  /** IMAGE_URL_TEST_HOSTS: hosts an image URL may reach over http at a loopback/private address (tests only). */
  imageUrlTestHosts: string[];
  /** IMAGE_URL_TIMEOUT_MS: how long fetching an image URL may take (default 20 s). */
  imageUrlTimeoutMs: number;
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
  /** AI generation (ai-image, ai-text): provider keys, preference, URLs and limits. See src/services/ai/. */
  ai: AiConfig;
  /**
   * R2's S3 API, for presigned direct uploads and downloads on Workers (R2_S3_ENDPOINT, R2_BUCKET,
   * R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY, R2_REGION default `auto`): all four or none.
   */
  r2Presign?: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; region: string };
}

export interface FairShareConfig {
  /** MAX_QUEUED_WORK_SECONDS: estimated worker-seconds one user may have queued; past it 429 queue_full. */
  maxQueuedSeconds: number;
  /** FAIR_SHARE_WINDOW_MS: how far back a user's started jobs count against their turn. */
  windowMs: number;
  /** LIGHT_JOB_SECONDS: jobs estimated at most this long are light; LIGHT_JOB_SLOTS workers are kept for them. */
  lightJobSeconds: number;
  lightSlots: number;
}

export type AiProviderName = 'meshy' | 'tripo' | 'fal';
export const AI_PROVIDER_NAMES: readonly AiProviderName[] = ['meshy', 'tripo', 'fal'];

export interface AiConfig {
  meshyApiKey?: string;
  tripoApiKey?: string;
  falKey?: string;
  /** AI_PROVIDER: which configured provider to use when several keys are present. */
  preferred?: AiProviderName;
  meshyApiUrl: string;
  tripoApiUrl: string;
  falQueueUrl: string;
  /** FAL_MODEL: fal-ai/trellis (default), fal-ai/hunyuan3d/v2 or fal-ai/triposr. */
  falModel: string;
  /** Hard limit on the remote part of one AI job (create, poll, download), ms. */
  timeoutMs: number;
  /** Largest result file we download, bytes. */
  maxResultBytes: number;
  /** Shortest and longest wait between two status polls, ms (providers' hints are honoured in between). */
  pollMinMs: number;
  pollMaxMs: number;
  /** First backoff after a 429/5xx, ms (doubles, with jitter), and how many attempts one request gets. */
  retryBaseMs: number;
  retryAttempts: number;
  /** AI_RESULT_HOSTS: replaces every provider's result-host allow-list (tests). Entries: host or *.domain. */
  resultHosts?: string[];
  /** AI_TEST_INSECURE_HOSTS: hosts a download may reach over http and at a loopback/private address (tests only). */
  insecureHosts: string[];
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
    host: env.HOST?.trim() || undefined,
    baseUrl: env.BASE_URL?.trim() || `http://localhost:${port}`,
    baseUrlPinned: Boolean(env.BASE_URL?.trim()),
    dataDir: env.DATA_DIR ?? './data',
    authSecret: env.BETTER_AUTH_SECRET || env.AUTH_SECRET || undefined,
    trustedOrigins: (env.TRUSTED_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    signupGrantCredits: int(env, 'SIGNUP_GRANT_CREDITS', 50),
    poolSize: Math.max(1, int(env, 'POOL_SIZE', defaults.cores)),
    workerHeapMb: Math.max(16, int(env, 'WORKER_HEAP_MB', 1536)),
    shutdownGraceMs: Math.max(0, int(env, 'SHUTDOWN_GRACE_MS', 20_000)),
    sqliteBusyTimeoutMs: Math.max(0, int(env, 'SQLITE_BUSY_TIMEOUT_MS', 5000)),
    jobTimeoutMs: int(env, 'JOB_TIMEOUT_MS', 5 * 60_000),
    perUserConcurrency: Math.max(1, int(env, 'PER_USER_CONCURRENCY', 2)),
    jobLimits: {
      // 4096² is also the triangulator's own limit (4096 a side).
      maxGridSamples: Math.max(1, int(env, 'MAX_JOB_GRID_SAMPLES', 4096 * 4096)),
      // Estimated peak RSS of one job (typed arrays and the WASM heap included, which WORKER_HEAP_MB does
      // not cap): past ~1.5 GB two jobs no longer fit beside each other on a small server.
      maxMemoryMb: Math.max(16, int(env, 'MAX_JOB_MEMORY_MB', 1536)),
    },
    fairShare: {
      // Ten minutes of one worker: ~20 of the largest jobs allowed, ~120 default lithophanes.
      maxQueuedSeconds: Math.max(1, int(env, 'MAX_QUEUED_WORK_SECONDS', 600)),
      windowMs: Math.max(0, int(env, 'FAIR_SHARE_WINDOW_MS', 10 * 60_000)),
      // A default 100 mm lithophane is estimated at ~5 s; a 1 m cylinder at ~30 s.
      lightJobSeconds: Math.max(0, int(env, 'LIGHT_JOB_SECONDS', 10)),
      lightSlots: Math.max(0, int(env, 'LIGHT_JOB_SLOTS', 1)),
    },
    maxUploadBytes: int(env, 'MAX_UPLOAD_BYTES', 50 * 1024 * 1024),
    imageUrlTestHosts: list(env.IMAGE_URL_TEST_HOSTS),
    imageUrlTimeoutMs: int(env, 'IMAGE_URL_TIMEOUT_MS', 20_000),
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
    ai: loadAiConfig(env),
    r2Presign: loadR2Presign(env),
  };
}

function loadR2Presign(env: Env): AppConfig['r2Presign'] {
  const [endpoint, bucket, accessKeyId, secretAccessKey] = ['R2_S3_ENDPOINT', 'R2_BUCKET', 'R2_ACCESS_KEY_ID', 'R2_SECRET_ACCESS_KEY'].map(
    (key) => env[key]?.trim() || undefined,
  );
  if (!endpoint && !bucket && !accessKeyId && !secretAccessKey) return undefined;
  if (!endpoint || !bucket || !accessKeyId || !secretAccessKey) {
    throw new Error('R2_S3_ENDPOINT, R2_BUCKET, R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY go together: set all four or none');
  }
  return { endpoint, bucket, accessKeyId, secretAccessKey, region: env.R2_REGION?.trim() || 'auto' };
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

function loadAiConfig(env: Env): AiConfig {
  const preferred = env.AI_PROVIDER?.trim().toLowerCase() || undefined;
  if (preferred !== undefined && !(AI_PROVIDER_NAMES as readonly string[]).includes(preferred)) {
    throw new Error(`AI_PROVIDER must be one of ${AI_PROVIDER_NAMES.join(', ')}, not "${preferred}"`);
  }
  const resultHosts = list(env.AI_RESULT_HOSTS);
  return {
    meshyApiKey: env.MESHY_API_KEY || undefined,
    tripoApiKey: env.TRIPO_API_KEY || undefined,
    falKey: env.FAL_KEY || undefined,
    preferred: preferred as AiProviderName | undefined,
    meshyApiUrl: env.MESHY_API_URL || 'https://api.meshy.ai',
    tripoApiUrl: env.TRIPO_API_URL || 'https://api.tripo3d.ai/v2/openapi',
    falQueueUrl: env.FAL_QUEUE_URL || 'https://queue.fal.run',
    falModel: env.FAL_MODEL || 'fal-ai/trellis',
    timeoutMs: int(env, 'AI_JOB_TIMEOUT_MS', 15 * 60_000),
    maxResultBytes: int(env, 'AI_MAX_RESULT_BYTES', 200 * 1024 * 1024),
    pollMinMs: int(env, 'AI_POLL_MIN_MS', 2000),
    pollMaxMs: int(env, 'AI_POLL_MAX_MS', 30_000),
    retryBaseMs: int(env, 'AI_RETRY_BASE_MS', 1000),
    retryAttempts: Math.max(1, int(env, 'AI_RETRY_ATTEMPTS', 6)),
    resultHosts: resultHosts.length > 0 ? resultHosts : undefined,
    insecureHosts: list(env.AI_TEST_INSECURE_HOSTS),
  };
}
