/**
 * Builds the services and the Hono app from infrastructure handed in (database, storage, clock,
 * logger, secret). No Node imports: the Node server, the tests and, later, the Workers entry
 * each bring their own infrastructure and call this.
 */
import type { Kysely } from 'kysely';
import { getMigrations } from 'better-auth/db/migration';
import { createAuth } from './auth.ts';
import type { Auth } from './auth.ts';
import type { AppConfig } from './config.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Database } from './db/schema.ts';
import type { AtomicBatch } from './repositories/atomic-batch.ts';
import type { ImageCodec } from './pipeline/image.ts';
import { artifactsRepository } from './repositories/artifacts.ts';
import { artifactsServiceOn } from './services/artifacts.ts';
import type { ArtifactsService } from './services/artifacts.ts';
import { jobsRepository } from './repositories/jobs.ts';
import { sharesRepository } from './repositories/shares.ts';
import { uploadsRepository } from './repositories/uploads.ts';
import { billingRepository } from './repositories/billing.ts';
import { accountDataRepository } from './repositories/account-data.ts';
import { retentionRepository } from './repositories/retention.ts';
import { databaseProbe } from './repositories/database-probe.ts';
import type { DatabaseProbe } from './repositories/database-probe.ts';
import { sessionsRepository } from './repositories/sessions.ts';
import type { SessionsRepository } from './repositories/sessions.ts';
import { usersRepository } from './repositories/users.ts';
import type { UsersRepository } from './repositories/users.ts';
import { createCreemGateway } from './repositories/creem-gateway.ts';
import { createApiKeysService } from './services/api-keys.ts';
import { createAuditLog } from './services/audit.ts';
import type { AuditLog } from './services/audit.ts';
import { createBillingService } from './services/billing/billing-service.ts';
import type { BillingService } from './services/billing/billing-service.ts';
import { parseCatalog } from './services/billing/catalog.ts';
import { parsePriceTable } from './services/pricing.ts';
import type { PriceTable } from './services/pricing.ts';
import type { ApiKeysService } from './services/api-keys.ts';
import { createCreditsService } from './services/credits.ts';
import type { CreditsService } from './services/credits.ts';
import type { Logger } from './services/logger.ts';
import { createPrivacyService } from './services/privacy.ts';
import type { PrivacyService } from './services/privacy.ts';
import { createRetentionService } from './services/retention.ts';
import type { RetentionService } from './services/retention.ts';
import { createUrlSigner } from './services/signed-urls.ts';
import type { UrlSigner } from './services/signed-urls.ts';
import type { BlobStorage } from './domain/storage.ts';
import { uploadLimits } from './services/upload-limits.ts';
import { countTrianglesHere } from './services/inspect-upload.ts';
import type { CountMeshTriangles } from './services/inspect-upload.ts';
import { createSharesService } from './services/shares.ts';
import type { SharesService } from './services/shares.ts';
import { createUploadsService } from './services/uploads.ts';
import { imageUrlFetcher } from './repositories/image-url.ts';
import { profileRepository } from './repositories/profile.ts';
import { createProfileService } from './services/profile.ts';
import type { ProfileService } from './services/profile.ts';
import type { UploadsService } from './services/uploads.ts';

export interface Infrastructure {
  config: AppConfig;
  db: Kysely<Database>;
  /** Multi-row changes, all or nothing (better-sqlite3 transaction on Node, D1 batch on Workers). */
  batch: AtomicBatch;
  storage: BlobStorage;
  secret: string;
  logger: Logger;
  clock: () => number;
  /** sharp in Node; uploads read only its headers. */
  imageCodec: ImageCodec;
  /** Where uploads count mesh triangles: a thread of its own on Node (src/node/mesh-inspector.ts); here when absent. */
  countMeshTriangles?: CountMeshTriangles;
}

export interface Services {
  config: AppConfig;
  /** For the job runtime's repositories and the tests; the app itself reads no table. */
  db: Kysely<Database>;
  batch: AtomicBatch;
  storage: BlobStorage;
  logger: Logger;
  clock: () => number;
  auth: Auth;
  credits: CreditsService;
  apiKeys: ApiKeysService;
  signer: UrlSigner;
  billing: BillingService;
  prices: PriceTable;
  audit: AuditLog;
  uploads: UploadsService;
  shares: SharesService;
  /** Per-plan expiry dates and the purge the composition root runs hourly. */
  retention: RetentionService;
  /** Account export and deletion. */
  privacy: PrivacyService;
  /** The account page's name, avatar and support messages. */
  profile: ProfileService;
  /** Job outputs: owner downloads and signed links. */
  artifacts: ArtifactsService;
  /** better-auth's users, looked up for each authenticated request. */
  users: UsersRepository;
  /** better-auth's session rows: the revocation marker the app's session cache re-checks. */
  sessions: SessionsRepository;
  /** Is the database answering, and is it busy (the health check, better-auth's answers). */
  database: DatabaseProbe;
}

export function composeServices(infra: Infrastructure): Services {
  const { config, db, batch, clock, logger } = infra;
  const credits = createCreditsService(db, batch, { signupGrant: config.signupGrantCredits, clock });
  const audit = createAuditLog(db, logger, clock);
  const auth = createAuth(config, db, infra.secret, {
    async onUserCreated(user) {
      await credits.grantSignup(user.id);
      await audit.record('user.created', { userId: user.id });
    },
    async onSessionCreated(session) {
      await audit.record('auth.sign_in', { userId: session.userId, ip: session.ipAddress ?? undefined });
    },
  });
  const signer = createUrlSigner(infra.secret, clock);
  const retention = createRetentionService({
    repo: retentionRepository(db, batch),
    billingAccount: (userId) => billingRepository(db).account(db, userId),
    storage: infra.storage,
    days: { free: config.retentionDaysFree, plan: config.retentionDaysPlan },
    uploadUrlTtlMs: config.signedUrlTtlSeconds * 1000,
    clock,
    logger,
  });
  const billing = createBillingService(db, batch, billingRepository(db), {
    gateway: config.creemApiKey ? createCreemGateway({ apiKey: config.creemApiKey, serverUrl: config.creemApiUrl }) : undefined,
    catalog: parseCatalog(config.creemProducts),
    webhookSecret: config.creemWebhookSecret,
    apiKey: config.creemApiKey,
    baseUrl: config.baseUrl,
    clock,
    logger,
    audit,
  });
  return {
    config,
    db,
    batch,
    storage: infra.storage,
    logger,
    clock,
    auth,
    credits,
    apiKeys: createApiKeysService(db, { perMinute: config.apiKeyRateLimitPerMinute, clock }),
    signer,
    billing,
    prices: parsePriceTable(config.pricingJson),
    audit,
    uploads: createUploadsService({
      uploads: uploadsRepository(db),
      storage: infra.storage,
      signer,
      readImageHeader: (bytes) => infra.imageCodec.readHeader(bytes),
      countTriangles: infra.countMeshTriangles ?? countTrianglesHere,
      clock,
      limits: uploadLimits(config.maxUploadBytes),
      signedUrlTtlSeconds: config.signedUrlTtlSeconds,
      publicOrigin: config.baseUrl,
      expiresAt: retention.expiresAt,
      fetchImageUrl: imageUrlFetcher({ timeoutMs: config.imageUrlTimeoutMs, testHosts: config.imageUrlTestHosts }),
    }),
    shares: createSharesService({
      shares: sharesRepository(db),
      jobs: jobsRepository(db),
      artifacts: artifactsRepository(db),
      uploads: uploadsRepository(db),
      storage: infra.storage,
      // Loaded in wasm/ on first use (a Worker bundle gets the precompiled copy workerd needs); an
      // API tier that never encodes a share never imports the WASM at all.
      meshoptEncoder: async () => (await import('../wasm/meshopt-encoder.ts')).loadMeshoptEncoder(),
      clock,
      publicOrigin: config.baseUrl,
    }),
    retention,
    artifacts: artifactsServiceOn(db, infra.storage, signer, config.signedUrlTtlSeconds),
    users: usersRepository(db),
    sessions: sessionsRepository(db),
    database: databaseProbe(db),
    profile: createProfileService({
      profile: profileRepository(db),
      storage: infra.storage,
      readImageHeader: (bytes) => infra.imageCodec.readHeader(bytes),
      clock,
    }),
    privacy: createPrivacyService({
      repo: accountDataRepository(db, batch),
      storage: infra.storage,
      verifyPassword: async (hash, password) => (await auth.$context).password.verify({ hash, password }),
      secret: infra.secret,
      clock,
      logger,
    }),
  };
}

/** better-auth's own tables, then ours (whose foreign keys reference its `user`). Safe to run at every start. */
export async function migrateAll(services: Services): Promise<void> {
  const plan = await getMigrations(services.auth.options);
  await plan.runMigrations();
  await migrateToLatest(services.db);
}
