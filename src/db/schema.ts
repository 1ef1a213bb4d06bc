/**
 * Kysely types of every table: ours (times are epoch milliseconds, JSON columns are text, ids are
 * random and url-safe) and better-auth's (user, session, account, verification, rateLimit), whose
 * columns are camelCase and whose times are ISO-8601 text.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { JobStatus } from '../domain/job-status.ts';

export type { JobStatus };

export type UploadKind = 'image' | 'mesh' | 'font';
export type UploadStatus = 'pending' | 'ready';
/** A signed-URL upload's one PUT: none yet, one streaming, one stored; abandoned = the purge took it (never completed). */
export type UploadPutState = 'none' | 'receiving' | 'received' | 'abandoned';
export type CreditState = 'none' | 'held' | 'captured' | 'refunded';

export interface UploadsTable {
  id: string;
  user_id: string;
  kind: UploadKind;
  /** Decided from the content: png, jpeg, webp, gif, tiff, avif, heif, stl, obj, ply, glb, 3mf, ttf. */
  format: string;
  status: UploadStatus;
  original_name: string;
  byte_size: number;
  sha256: string | null;
  width: number | null;
  height: number | null;
  triangles: number | null;
  storage_key: string;
  created_at: number;
  /** Retention: purged after this time (null = kept). */
  expires_at: number | null;
  put_state: Generated<UploadPutState>;
}

export interface JobsTable {
  id: string;
  user_id: string;
  mode: string;
  upload_id: string | null;
  prompt: string | null;
  /** Resolved parameters, JSON. */
  params: string;
  status: JobStatus;
  progress: number;
  stage: string | null;
  error_code: string | null;
  error_message: string | null;
  cost: number;
  credit_state: CreditState;
  /** Estimated worker-seconds (src/pipeline/estimate.ts): what fair sharing and the queued-work cap count. */
  work: Generated<number>;
  attempts: number;
  max_attempts: number;
  idempotency_key: string | null;
  /** Summary of the report (JSON) once succeeded. */
  result: string | null;
  provider: string | null;
  provider_task_id: string | null;
  provider_cost: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  heartbeat_at: number | null;
  /** Retention: outputs purged after this time (null = kept). */
  expires_at: number | null;
  /** Set when the retention purge removed the outputs; the row and its ledger entries stay. */
  purged_at: number | null;
}

export interface JobEventsTable {
  id: Generated<number>;
  job_id: string;
  type: string;
  /** JSON */
  data: string;
  created_at: number;
}

export interface ArtifactsTable {
  job_id: string;
  name: string;
  content_type: string;
  byte_size: number;
  etag: string;
  storage_key: string;
  created_at: number;
}

export interface CreditEntriesTable {
  id: string;
  user_id: string;
  /** Positive grants, negative spends. */
  amount: number;
  reason: string;
  /** What the movement is about: a job id, an order id, an operator note. */
  reference: string | null;
  /** Unique: the same movement can never be written twice. */
  idempotency_key: string;
  created_at: number;
}

export interface CreditBalancesTable {
  user_id: string;
  balance: number;
  updated_at: number;
}

/** One row (id 1): how many Creem events have been applied; guards webhook batches (migration AtomicLedger). */
export interface BillingSequenceTable {
  id: number;
  applied: number;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  /** The first characters of the key, shown so people can tell keys apart. */
  prefix: string;
  /** SHA-256 hex of the whole key; the key itself is shown once and never stored. */
  key_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  /** JSON array of read | jobs | account (src/domain/api-key-scopes.ts). */
  scopes: Generated<string>;
  /** The key that made this one (null: made in a signed-in session); revoking it revokes this one. */
  created_by_key_id: Generated<string | null>;
}

export interface CreemEventsTable {
  id: string;
  type: string;
  payload: string;
  subject: string | null;
  event_created_at: number;
  received_at: number;
  processed_at: number | null;
  outcome: string | null;
}

export interface BillingAccountsTable {
  user_id: string;
  creem_customer_id: string | null;
  plan_product_id: string | null;
  plan_subscription_id: string | null;
  plan_status: string | null;
  plan_status_at: number | null;
  plan_period_end: number | null;
  flagged: number;
  flag_reason: string | null;
  updated_at: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  user_id: string | null;
  event: string;
  ip: string | null;
  /** JSON, never secrets. */
  details: string;
  created_at: number;
}

export interface SharesTable {
  /** 128 random bits, base64url: the whole credential of the public preview. */
  token: string;
  job_id: string;
  user_id: string;
  /** Title the owner gave, if any. */
  name: string | null;
  created_at: number;
  revoked_at: number | null;
}

/**
 * better-auth's tables, as its migrations create them on SQLite (better-auth 1.x with email and
 * password, social logins and `rateLimit.storage: 'database'`). It writes them; we read them and
 * delete a user's rows with the account. Dates are ISO-8601 text, which compares in time order.
 */
export interface UserTable {
  id: string;
  name: string;
  /** Unique; better-auth stores it lower-cased. */
  email: string;
  /** 0 or 1. */
  emailVerified: number;
  image: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SessionTable {
  id: string;
  expiresAt: string;
  /** The cookie's (unsigned) token: a credential, never exported. */
  token: string;
  createdAt: string;
  updatedAt: string;
  ipAddress: string | null;
  userAgent: string | null;
  userId: string;
}

/** A way to sign in: `credential` (e-mail and password, with its hash) or a social provider. */
export interface AccountTable {
  id: string;
  accountId: string;
  providerId: string;
  userId: string;
  accessToken: string | null;
  refreshToken: string | null;
  idToken: string | null;
  accessTokenExpiresAt: string | null;
  refreshTokenExpiresAt: string | null;
  scope: string | null;
  password: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Pending e-mail verifications and password resets. */
export interface VerificationTable {
  id: string;
  identifier: string;
  value: string;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

/** better-auth's sign-in rate limit counters (per client IP and path). */
export interface RateLimitTable {
  id: string;
  key: string;
  count: number;
  lastRequest: number;
}

export interface Database {
  user: UserTable;
  session: SessionTable;
  account: AccountTable;
  verification: VerificationTable;
  rateLimit: RateLimitTable;
  audit_events: AuditEventsTable;
  creem_events: CreemEventsTable;
  billing_accounts: BillingAccountsTable;
  api_keys: ApiKeysTable;
  uploads: UploadsTable;
  jobs: JobsTable;
  job_events: JobEventsTable;
  artifacts: ArtifactsTable;
  shares: SharesTable;
  credit_entries: CreditEntriesTable;
  credit_balances: CreditBalancesTable;
  billing_sequence: BillingSequenceTable;
  support_messages: SupportMessagesTable;
}

/** A message to support from the account page (migration 1796200000000-Support). */
export interface SupportMessagesTable {
  id: string;
  user_id: string;
  subject: string;
  body: string;
  created_at: number;
}

export type Upload = Selectable<UploadsTable>;
export type NewUpload = Insertable<UploadsTable>;
export type Job = Selectable<JobsTable>;
export type NewJob = Insertable<JobsTable>;
export type JobUpdate = Updateable<JobsTable>;
export type JobEvent = Selectable<JobEventsTable>;
export type Artifact = Selectable<ArtifactsTable>;
export type CreditEntry = Selectable<CreditEntriesTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type BillingAccount = Selectable<BillingAccountsTable>;
export type Share = Selectable<SharesTable>;
export type User = Selectable<UserTable>;
