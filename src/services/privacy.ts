/**
 * The user's own data: export everything as one zip, delete everything.
 *
 * Export: `account.json` (profile, logins, API keys with scopes), `uploads.json`, `jobs.json`,
 * `ledger.json`, `billing.json`, `shares.json`, `sessions.json` (IP, user agent, times; never the
 * token), `audit-events.json` and `support.json` (messages to support) with the `avatar`, then the original uploads (`uploads/<id>/<name>`) and job
 * outputs (`jobs/<id>/<name>`). Streamed: tables are read in pages and written as JSON text piece
 * by piece, files are piped from storage into fflate's streaming Zip one chunk at a time, and the
 * next piece is produced only when the client has taken the last one (a pull stream), so memory
 * stays flat whatever the account holds.
 *
 * Deletion (after the password, or a confirm phrase for accounts with no password):
 * 1. queued/running jobs are removed through the jobs service: cancelled with their refund, the
 *    runner's task aborted;
 * 2. one atomic batch deletes uploads, jobs, events, artifacts, shares, API keys, sessions, logins,
 *    verifications and the user, and rewrites what billing law makes us keep (below);
 * 3. every file under `users/<id>/` goes;
 * 4. the WAL is checkpointed and emptied: with secure_delete on, no byte of the rows is left on disk.
 * Kept, pseudonymised as `deleted:<sha256(userId + secret)>` (no id, no e-mail): ledger entries of
 * real payments (purchase, plan_period, refund) plus one closing entry that brings that ledger to
 * zero; the billing_accounts row (Creem customer id, for invoices); the Creem events of payments
 * with personal fields removed; other Creem events of the user as a tombstone (id, type, time), so
 * a redelivery is still recognised as already applied and cannot bring anything back.
 * An account with a running subscription cannot be deleted (409): a later renewal would otherwise
 * grant credits to an account that no longer exists.
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { Artifact, BillingAccount, Job, Upload } from '../db/schema.ts';
import type { AccountDataRepository, DeletionCounts, SessionRecord, UserProfile } from '../repositories/account-data.ts';
import { newId, sha256Hex } from '../domain/ids.ts';
import { jobView } from './job-view.ts';
import type { JobsService } from './jobs.ts';
import type { Logger } from './logger.ts';
import { hasActivePlan } from './retention.ts';
import { notFound, ServiceError } from '../domain/errors.ts';
import type { BlobStorage } from '../domain/storage.ts';
import { storageKeys } from '../domain/storage.ts';
import { readChunks } from './web-stream.ts';

/** Ledger reasons that record real money: kept (pseudonymised) after deletion. */
export const KEPT_LEDGER_REASONS = ['purchase', 'plan_period', 'refund'] as const;
/** Creem events about money moving; kept with personal fields removed. */
const PAYMENT_EVENTS = new Set(['checkout.completed', 'subscription.paid', 'refund.created', 'dispute.created']);
/** Typed instead of a password by people who sign in only with Google or GitHub. */
export const DELETE_CONFIRM_PHRASE = 'delete my account';
const PAGE = 500;
const PERSONAL_KEYS = new Set([
  'email',
  'customer_email',
  'phone',
  'address',
  'billing_address',
  'shipping_address',
  'ip',
  'ip_address',
  'tax_id',
]);

export interface PrivacyDeps {
  repo: AccountDataRepository;
  storage: Pick<BlobStorage, 'stream' | 'size' | 'deletePrefix'>;
  /** better-auth's password check against a stored hash. */
  verifyPassword: (hash: string, password: string) => Promise<boolean>;
  /** Key of the pseudonym: without it nobody can tell whose the kept rows were. */
  secret: string;
  clock: () => number;
  logger: Logger;
}

export interface AccountExport {
  filename: string;
  stream: ReadableStream<Uint8Array>;
}

export interface DeletionReport extends DeletionCounts {
  pseudonym: string;
  jobsCancelled: number;
}

type ZipEntry = { name: string; compress: boolean; data: () => AsyncIterable<Uint8Array> };

export function createPrivacyService(deps: PrivacyDeps) {
  const { repo, storage, clock, logger } = deps;

  async function profileOf(userId: string): Promise<UserProfile> {
    const profile = await repo.profile(userId);
    if (!profile) throw notFound('the account');
    return profile;
  }

  const pseudonymOf = async (userId: string) => `deleted:${await sha256Hex(userId + deps.secret)}`;

  /** Every row of `fetch`, page by page, oldest first. */
  async function* rows<T extends { created_at: number; id: string }>(
    fetch: (cursor?: { createdAt: number; id: string }) => Promise<T[]>,
  ): AsyncIterable<T> {
    let cursor: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = await fetch(cursor);
      yield* page;
      if (page.length < PAGE) return;
      cursor = repo.nextCursor(page);
    }
  }

  /** Every audit event of the user, page by page, oldest first. */
  async function* auditEvents(userId: string) {
    let after = 0;
    for (;;) {
      const page = await repo.auditPage(userId, PAGE, after);
      yield* page;
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.id;
    }
  }

  async function* jsonArray<T>(
    items: AsyncIterable<T>,
    view: (item: T) => unknown | Promise<unknown>,
    prefix = '[',
    suffix = ']',
  ): AsyncIterable<Uint8Array> {
    const enc = new TextEncoder();
    yield enc.encode(prefix);
    let first = true;
    for await (const item of items) {
      yield enc.encode((first ? '\n  ' : ',\n  ') + JSON.stringify(await view(item)));
      first = false;
    }
    yield enc.encode(`\n${suffix}\n`);
  }

  const once = (value: unknown) =>
    async function* () {
      yield new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
    };

  return {
    /** The whole account as a zip stream. Audit-logged when asked for. */
    async exportAccount(userId: string): Promise<AccountExport> {
      const profile = await profileOf(userId);
      const now = clock();
      const [providers, apiKeys, billing, sessions] = await Promise.all([
        repo.loginProviders(userId),
        repo.apiKeys(userId),
        repo.billingAccount(userId),
        repo.sessions(userId),
      ]);
      logger.info('audit', { event: 'account.export', userId });

      const uploads = () => rows((c) => repo.uploadsPage(userId, PAGE, c));
      const jobs = () => rows((c) => repo.jobsPage(userId, PAGE, c));
      const missing: string[] = [];

      async function* entries(): AsyncIterable<ZipEntry> {
        yield {
          name: 'account.json',
          compress: true,
          data: once({
            exportedAt: new Date(now).toISOString(),
            profile: {
              id: profile.id,
              email: profile.email,
              name: profile.name,
              emailVerified: profile.emailVerified,
              created: new Date(profile.createdAt).toISOString(),
            },
            logins: providers,
            apiKeys: apiKeys.map((k) => ({
              id: k.id,
              name: k.name,
              prefix: k.prefix,
              scopes: parseJson(k.scopes),
              createdByKeyId: k.created_by_key_id,
              createdAt: k.created_at,
              lastUsedAt: k.last_used_at,
              revokedAt: k.revoked_at,
            })),
          }),
        };
        yield { name: 'uploads.json', compress: true, data: () => jsonArray(uploads(), uploadView) };
        yield {
          name: 'jobs.json',
          compress: true,
          data: () => jsonArray(jobs(), async (job) => exportedJob(job, await repo.artifactsOf([job.id]))),
        };
        const ledgerBalance = await repo.balance(userId);
        yield {
          name: 'ledger.json',
          compress: true,
          data: () =>
            jsonArray(
              rows((c) => repo.entriesPage(userId, PAGE, c)),
              entryView,
              `{\n"balance": ${ledgerBalance},\n"entries": [`,
              ']}',
            ),
        };
        yield { name: 'billing.json', compress: true, data: once(billingView(billing, now)) };
        yield {
          name: 'shares.json',
          compress: true,
          data: () =>
            jsonArray(
              rows((c) => repo.sharesPage(userId, PAGE, c)),
              shareView,
            ),
        };
        yield { name: 'sessions.json', compress: true, data: once(sessions.map(sessionView)) };
        yield { name: 'audit-events.json', compress: true, data: () => jsonArray(auditEvents(userId), auditView) };
        yield {
          name: 'support.json',
          compress: true,
          data: () =>
            jsonArray(
              rows((c) => repo.supportPage(userId, PAGE, c)),
              (m) => ({ id: m.id, subject: m.subject, message: m.body, createdAt: new Date(m.created_at).toISOString() }),
            ),
        };
        if ((await storage.size(storageKeys.avatar(userId))) !== undefined)
          yield { name: 'avatar', compress: false, data: () => readChunks(storage.stream(storageKeys.avatar(userId))) };
        for await (const upload of uploads()) {
          if ((await storage.size(upload.storage_key)) === undefined) {
            missing.push(upload.storage_key);
            continue;
          }
          yield { name: uploadPath(upload), compress: false, data: () => readChunks(storage.stream(upload.storage_key)) };
        }
        for await (const job of jobs()) {
          for (const artifact of await repo.artifactsOf([job.id])) {
            if ((await storage.size(artifact.storage_key)) === undefined) {
              missing.push(`jobs/${job.id}/${artifact.name}`);
              continue;
            }
            yield {
              name: artifactPath(job.id, artifact.name),
              compress: /\.(stl|obj|json)$/i.test(artifact.name),
              data: () => readChunks(storage.stream(artifact.storage_key)),
            };
          }
        }
        if (missing.length > 0)
          yield {
            name: 'missing-files.json',
            compress: true,
            data: once({ note: 'rows that point at files no longer in storage', files: missing }),
          };
      }

      const day = new Date(now).toISOString().slice(0, 10);
      return { filename: `image-to-stl-export-${day}.zip`, stream: zipStream(entries(), now) };
    },

    /**
     * Deletes the account (see the file comment). `jobs` stops queued and running jobs; without it
     * (no runner in this process) an account with such jobs answers 503.
     */
    async deleteAccount(
      userId: string,
      proof: { password?: string; confirm?: string },
      jobs?: Pick<JobsService, 'remove'>,
    ): Promise<DeletionReport> {
      const profile = await profileOf(userId);
      const hash = await repo.passwordHash(userId);
      if (hash) {
        if (!proof.password) throw ServiceError.of('invalid_request', 'send your password as {"password": "..."} to delete the account');
        if (!(await deps.verifyPassword(hash, proof.password)))
          throw new ServiceError('invalid_password', 'the password is not right; nothing was deleted');
      } else if ((proof.confirm ?? '').trim().toLowerCase() !== DELETE_CONFIRM_PHRASE) {
        throw new ServiceError(
          'confirmation_required',
          `type "${DELETE_CONFIRM_PHRASE}" as {"confirm": "..."} to delete the account; nothing was deleted`,
        );
      }
      const billing = await repo.billingAccount(userId);
      const now = clock();
      if (
        billing?.plan_status &&
        hasActivePlan(billing, now) &&
        !['canceled', 'cancelled', 'expired', 'scheduled_cancel'].includes(billing.plan_status)
      ) {
        throw new ServiceError(
          'active_subscription',
          'cancel your plan in the billing portal first; the account can be deleted once it no longer renews',
          {
            planStatus: billing.plan_status,
          },
        );
      }

      const active = await repo.activeJobs(userId);
      if (active.length > 0 && !jobs)
        throw new ServiceError(
          'service_unavailable',
          'jobs are running and the job runner is not reachable; try again shortly',
          undefined,
          60,
        );
      for (const job of active)
        await jobs!.remove(userId, job.id).catch((error: unknown) => {
          if (!(error instanceof ServiceError && error.code === 'not_found')) throw error;
        });

      const pseudonym = await pseudonymOf(userId);
      const keptSum = await repo.sumOf(userId, KEPT_LEDGER_REASONS);
      const orderIds = await repo.referencesOf(userId, ['purchase']);
      const events = await repo.creemEventsOf(userId, profile.email, billing?.creem_customer_id ?? null, orderIds);
      const who = { userId, email: profile.email.toLowerCase(), pseudonym };
      const counts = await repo.deleteAccount({
        userId,
        email: profile.email,
        pseudonym,
        keptReasons: KEPT_LEDGER_REASONS,
        closingEntry:
          keptSum === 0
            ? undefined
            : {
                id: newId('cre'),
                amount: -keptSum,
                reason: 'account_deleted',
                idempotencyKey: `account-deleted:${pseudonym}`,
                createdAt: now,
              },
        creemEvents: events.map((e) => ({
          id: e.id,
          payload: PAYMENT_EVENTS.has(e.type)
            ? scrubCreemPayload(e.payload, who)
            : JSON.stringify({ id: e.id, eventType: e.type, redacted: 'account deleted' }),
        })),
      });
      await storage.deletePrefix(storageKeys.userPrefix(userId));
      if (!(await repo.truncateWal()))
        logger.warn('account deletion: the WAL could not be emptied now; the next checkpoint will', { pseudonym });
      const report = { ...counts, pseudonym, jobsCancelled: active.length };
      logger.info('audit', { event: 'account.deleted', userId, ...report });
      return report;
    },
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;

/**
 * A Creem payload with the person taken out: the user id becomes the pseudonym, anything holding
 * the e-mail becomes "[deleted]", personal fields (e-mail, phone, address, IP, tax id, and a
 * customer's name) are dropped. Amounts, currencies, ids of orders and products stay.
 */
export function scrubCreemPayload(payload: string, who: { userId: string; email: string; pseudonym: string }): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return JSON.stringify({ redacted: 'unreadable payload' });
  }
  const walk = (value: unknown, inCustomer: boolean): unknown => {
    if (typeof value === 'string')
      return value.toLowerCase().includes(who.email) ? '[deleted]' : value.split(who.userId).join(who.pseudonym);
    if (Array.isArray(value)) return value.map((v) => walk(v, inCustomer));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        if (PERSONAL_KEYS.has(key) || (inCustomer && key === 'name')) continue;
        out[key] = walk(v, inCustomer || key === 'customer');
      }
      return out;
    }
    return value;
  };
  return JSON.stringify(walk(parsed, false));
}

function uploadPath(upload: Upload): string {
  return `uploads/${upload.id}/${safeName(upload.original_name, `original.${upload.format}`)}`;
}

function artifactPath(jobId: string, name: string): string {
  return `jobs/${jobId}/${safeName(name, 'output')}`;
}

/** One path segment, never empty, never "." or "..". */
function safeName(name: string, fallback: string): string {
  const cleaned = name.replace(/[\\/\u0000-\u001f\u007f]/g, '_').trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function uploadView(u: Upload) {
  return {
    id: u.id,
    status: u.status,
    kind: u.status === 'pending' ? null : u.kind,
    format: u.status === 'pending' ? null : u.format,
    originalName: u.original_name,
    byteSize: u.byte_size,
    sha256: u.sha256,
    width: u.width,
    height: u.height,
    triangles: u.triangles,
    createdAt: iso(u.created_at),
    expiresAt: iso(u.expires_at),
    file: uploadPath(u),
  };
}

/** The API's job view with ISO dates, the report under its export name and each output's file in the zip. */
function exportedJob(job: Job, artifacts: Artifact[]) {
  const { result, purgedAt, artifacts: outputs = [], createdAt, startedAt, finishedAt, expiresAt, ...rest } = jobView(job, artifacts);
  return {
    ...rest,
    report: result,
    createdAt: iso(createdAt),
    startedAt: iso(startedAt),
    finishedAt: iso(finishedAt),
    expiresAt: iso(expiresAt),
    outputsPurgedAt: iso(purgedAt),
    files: outputs.map(({ url: _url, etag, ...output }) => ({ ...output, sha256: etag, file: artifactPath(job.id, output.name) })),
  };
}

function shareView(s: { token: string; job_id: string; name: string | null; created_at: number; revoked_at: number | null }) {
  return { token: s.token, jobId: s.job_id, name: s.name, createdAt: iso(s.created_at), revokedAt: iso(s.revoked_at) };
}

/** Where and with what the user signed in; the session token is never read, let alone exported. */
function sessionView(s: SessionRecord) {
  return {
    id: s.id,
    createdAt: iso(s.createdAt),
    lastActiveAt: iso(s.updatedAt),
    expiresAt: iso(s.expiresAt),
    ipAddress: s.ipAddress,
    userAgent: s.userAgent,
  };
}

function auditView(a: { event: string; ip: string | null; details: string; created_at: number }) {
  return { date: iso(a.created_at), event: a.event, ip: a.ip, details: parseJson(a.details) };
}

function entryView(e: { id: string; amount: number; reason: string; reference: string | null; created_at: number }) {
  return { id: e.id, date: iso(e.created_at), amount: e.amount, reason: e.reason, reference: e.reference };
}

/** Plan and flags; no Creem ids, keys or webhook payloads. */
function billingView(account: BillingAccount | undefined, now: number) {
  return {
    plan: account?.plan_product_id
      ? {
          product: account.plan_product_id,
          status: account.plan_status,
          periodEnd: iso(account.plan_period_end),
          active: hasActivePlan(account, now),
        }
      : null,
    flagged: Boolean(account?.flagged),
    flagReason: account?.flag_reason ?? null,
    customerAtPaymentProvider: Boolean(account?.creem_customer_id),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * fflate's streaming Zip behind a pull stream: each pull advances the producer until the zip has
 * emitted something, so at most one source chunk (plus deflate's window) is in memory.
 */
export function zipStream(entries: AsyncIterable<ZipEntry>, mtime: number): ReadableStream<Uint8Array> {
  const ready: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else if (chunk.byteLength > 0) ready.push(chunk);
  });

  async function* produce(): AsyncGenerator<Uint8Array> {
    const drain = function* () {
      if (failure) throw failure;
      while (ready.length > 0) yield ready.shift()!;
    };
    for await (const entry of entries) {
      const file = entry.compress ? new ZipDeflate(entry.name, { level: 6 }) : new ZipPassThrough(entry.name);
      file.mtime = mtime;
      zip.add(file);
      for await (const chunk of entry.data()) {
        file.push(chunk);
        yield* drain();
      }
      file.push(new Uint8Array(0), true);
      yield* drain();
    }
    zip.end();
    yield* drain();
  }

  const producer = produce();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await producer.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await producer.return(undefined);
    },
  });
}
