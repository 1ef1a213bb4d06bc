/**
 * Privacy end to end on the real app (uploads, jobs on a scripted executor, a signed Creem purchase,
 * API keys): the export zip holds every table's JSON and the original bytes; DELETE /api/v1/account
 * leaves nothing of the user in any table (every table in sqlite_master is scanned for the id and
 * the e-mail) nor on disk, keeps the payment records under a pseudonym, and leaves another user
 * alone; a wrong password deletes nothing; the retention purge removes exactly what is due.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { ExecutionRequest, JobExecutor } from '../../src/jobs/executor.ts';
import { createJobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import type { JobsRuntime } from '../../src/jobs/jobs-runtime.ts';
import type { ExecutionOutcome } from '../../src/jobs/protocol.ts';
import { signCreemBody } from '../../src/services/billing/signature.ts';
import { DAY_MS } from '../../src/services/retention.ts';
import { storageKeys } from '../../src/domain/storage.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';
import { gradientPng, userIdOf, waitForStatus } from './jobs-helpers.ts';
import type { JobBody, TestApp } from './jobs-helpers.ts';

const WEBHOOK_SECRET = 'whsec_privacy_test';
const PASSWORD = 'correct horse battery';
const STL = new TextEncoder().encode(
  'solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n',
);

/** Jobs with this width run until aborted; every other job finishes at once with a small STL. */
const HANG_WIDTH_MM = 21;

class InstantExecutor implements JobExecutor {
  readonly capacity = 4;
  readonly aborted: string[] = [];
  private busy = 0;
  async execute(request: ExecutionRequest, options: { signal: AbortSignal }): Promise<ExecutionOutcome> {
    if (request.params.widthMm === HANG_WIDTH_MM) {
      this.busy++;
      return new Promise((_resolve, reject) =>
        options.signal.addEventListener('abort', () => {
          this.busy--;
          this.aborted.push(request.jobId);
          reject(Object.assign(new Error('The task has been aborted'), { name: 'AbortError' }));
        }),
      );
    }
    const model = new TextEncoder().encode(`solid ${request.jobId}\nendsolid\n`);
    return {
      ok: true,
      report: { manifold: true, triangles: 1, mode: request.mode },
      artifacts: [{ name: 'model.stl', contentType: 'model/stl', bytes: model }],
    };
  }
  stats() {
    return { size: this.capacity, busy: this.busy, queued: 0 };
  }
  async close() {}
}

let infra: TestInfra;
let app: TestApp;
let jobs: JobsRuntime;
let executor: InstantExecutor;

beforeAll(async () => {
  infra = await createTestServices({
    SIGNUP_GRANT_CREDITS: '40',
    CREEM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    CREEM_PRODUCTS: 'pack-100=prod_pack100:100:pack',
    PER_USER_CONCURRENCY: '2',
  });
  executor = new InstantExecutor();
  jobs = createJobsRuntime(infra.services, executor, { pollMs: 50, heartbeatMs: 200 });
  jobs.runner.start();
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }), jobs });
});

afterAll(async () => {
  await jobs?.runner.stop(100);
  await infra?.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const json = (res: Response) => res.json() as Promise<any>;

async function upload(cookie: string, bytes: Uint8Array, name: string, type: string) {
  const form = new FormData();
  form.append('file', new File([bytes as BlobPart], name, { type }));
  const res = await app.request('/api/v1/uploads', { method: 'POST', body: form, headers: { cookie } });
  expect(res.status).toBe(201);
  return json(res) as Promise<{ id: string; createdAt: number; expiresAt: number | null }>;
}

async function startJob(cookie: string, uploadId: string): Promise<JobBody & { expiresAt: number | null; createdAt: number }> {
  const res = await app.request('/api/v1/jobs', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'lithophane', uploadId, params: { widthMm: 20, resolutionMm: 0.5 } }),
  });
  expect(res.status).toBe(201);
  return (await json(res)).job;
}

async function purchase(userId: string, email: string, customerId: string, orderId: string) {
  const event = {
    id: `evt_${orderId}`,
    eventType: 'checkout.completed',
    created_at: Date.now(),
    object: {
      id: `ch_${orderId}`,
      object: 'checkout',
      order: { id: orderId, amount: 1000, currency: 'EUR', status: 'paid', type: 'onetime' },
      product: { id: 'prod_pack100', name: 'Credit pack', price: 1000 },
      units: 1,
      customer: { id: customerId, object: 'customer', email, name: 'Alice Example', country: 'NL' },
      status: 'completed',
      metadata: { userId, product: 'pack-100' },
    },
  };
  const body = JSON.stringify(event);
  const res = await app.request('/api/v1/webhooks/creem', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'creem-signature': await signCreemBody(body, WEBHOOK_SECRET) },
    body,
  });
  expect(res.status).toBe(200);
}

async function deleteAccount(cookie: string, body: unknown) {
  return app.request('/api/v1/account', {
    method: 'DELETE',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Rows of every table (ours and better-auth's) whose any column mentions one of `needles`. */
async function rowsMentioning(needles: string[]): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
    infra.services.db,
  );
  const out: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(infra.services.db);
    const hits = rows.rows.filter((r) => {
      const text = JSON.stringify(r).toLowerCase();
      return needles.some((n) => text.includes(n.toLowerCase()));
    }).length;
    if (hits > 0) out[name] = hits;
  }
  return out;
}

async function filesUnder(dir: string): Promise<number> {
  try {
    await stat(dir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) n++;
  return n;
}

const userDir = (userId: string) => join(infra.dataDir, 'files', storageKeys.userPrefix(userId));
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('export, then delete the account', () => {
  const alice = { email: 'alice.privacy@example.com', id: '', cookie: '' };
  const bob = { email: 'bob.privacy@example.com', id: '', cookie: '' };
  const originals = new Map<string, { name: string; sha: string }>();
  let doneJob: JobBody;
  let runningJobId: string;
  let bobBefore: Record<string, number>;
  let bobFiles: number;

  beforeAll(async () => {
    for (const u of [alice, bob]) {
      u.cookie = await signUp(app, u.email);
      u.id = await userIdOf(app, u.cookie);
    }
    const png = await gradientPng(16, 12);
    const picture = await upload(alice.cookie, png, 'cat photo.png', 'image/png');
    originals.set(picture.id, { name: 'cat photo.png', sha: sha256(png) });
    const model = await upload(alice.cookie, STL, 'part.stl', 'model/stl');
    originals.set(model.id, { name: 'part.stl', sha: sha256(STL) });
    // Retention shows on the upload: 30 days without a plan.
    expect(picture.expiresAt).toBe(picture.createdAt + 30 * DAY_MS);

    const job = await startJob(alice.cookie, picture.id);
    expect(job.expiresAt).toBe(job.createdAt + 30 * DAY_MS);
    doneJob = await waitForStatus(app, alice.cookie, job.id, ['succeeded', 'failed'], 10_000);
    expect(doneJob.status).toBe('succeeded');

    await purchase(alice.id, alice.email, 'cust_7f3k2m9q', 'ord_alice_1');
    const key = await app.request('/api/v1/account/api-keys', {
      method: 'POST',
      headers: { cookie: alice.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'script' }),
    });
    expect(key.status).toBe(201);

    // A job still running when the account goes: it must be stopped and refunded through the jobs service.
    const second = await upload(alice.cookie, await gradientPng(10, 10), 'second.png', 'image/png');
    originals.set(second.id, { name: 'second.png', sha: sha256(await gradientPng(10, 10)) });
    const running = await app.request('/api/v1/jobs', {
      method: 'POST',
      headers: { cookie: alice.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'lithophane', uploadId: second.id, params: { widthMm: HANG_WIDTH_MM, resolutionMm: 0.5 } }),
    });
    runningJobId = (await json(running)).job.id;
    await waitForStatus(app, alice.cookie, runningJobId, ['running'], 10_000);

    const bobPng = await gradientPng(8, 8);
    const bobUpload = await upload(bob.cookie, bobPng, 'bob.png', 'image/png');
    await waitForStatus(app, bob.cookie, (await startJob(bob.cookie, bobUpload.id)).id, ['succeeded'], 10_000);
    await purchase(bob.id, bob.email, 'cust_b0b00001', 'ord_bob_1');
    bobBefore = await rowsMentioning([bob.id, bob.email]);
    bobFiles = await filesUnder(userDir(bob.id));
  });

  it('GET /api/v1/account/export streams a zip with every JSON file and the original bytes', async () => {
    const res = await app.request('/api/v1/account/export', { headers: { cookie: alice.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="image-to-stl-export-\d{4}-\d{2}-\d{2}\.zip"/);
    const zip = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const names = Object.keys(zip);
    const read = (name: string) => JSON.parse(new TextDecoder().decode(zip[name]));
    for (const name of ['account.json', 'jobs.json', 'ledger.json', 'uploads.json', 'billing.json']) expect(names).toContain(name);

    const account = read('account.json');
    expect(account.profile).toMatchObject({ id: alice.id, email: alice.email, name: 'alice.privacy' });
    expect(account.profile.created).toMatch(/^\d{4}-/);
    expect(account.apiKeys).toHaveLength(1);
    expect(JSON.stringify(account)).not.toContain('key_hash');

    const uploads = read('uploads.json');
    expect(uploads.map((u: { id: string }) => u.id).sort()).toEqual([...originals.keys()].sort());
    for (const [id, original] of originals) {
      const entry = `uploads/${id}/${original.name}`;
      expect(names, entry).toContain(entry);
      expect(sha256(zip[entry]!), entry).toBe(original.sha);
    }

    const jobsJson = read('jobs.json');
    const done = jobsJson.find((j: { id: string }) => j.id === doneJob.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      mode: 'lithophane',
      params: expect.objectContaining({ widthMm: 20 }),
      report: expect.objectContaining({ manifold: true }),
    });
    expect(done.createdAt).toMatch(/^\d{4}-/);
    expect(done.finishedAt).toMatch(/^\d{4}-/);
    const stored = await infra.services.storage.get(storageKeys.artifact(alice.id, doneJob.id, 'model.stl'));
    expect(sha256(zip[`jobs/${doneJob.id}/model.stl`]!)).toBe(sha256(stored));
    expect(done.files[0]).toMatchObject({ name: 'model.stl', sha256: sha256(stored) });

    const ledger = read('ledger.json');
    const balance = (await json(await app.request('/api/v1/credits', { headers: { cookie: alice.cookie } }))).balance;
    expect(ledger.balance).toBe(balance);
    expect(ledger.entries.map((e: { reason: string }) => e.reason)).toEqual(
      expect.arrayContaining(['signup_grant', 'job_hold', 'purchase']),
    );
    expect(ledger.entries.reduce((s: number, e: { amount: number }) => s + e.amount, 0)).toBe(balance);

    const billing = read('billing.json');
    expect(billing).toMatchObject({ flagged: false, customerAtPaymentProvider: true });
    expect(JSON.stringify(billing)).not.toContain('cust_7f3k2m9q');
    console.log(
      `[privacy] export: ${names.length} zip entries (${names.filter((n) => n.includes('/')).length} files), ${jobsJson.length} jobs, ${ledger.entries.length} ledger entries, balance ${ledger.balance}`,
    );
  });

  it('a wrong password is 403 and deletes nothing', async () => {
    const before = await rowsMentioning([alice.id, alice.email]);
    const filesBefore = await filesUnder(userDir(alice.id));
    const wrong = await deleteAccount(alice.cookie, { password: 'not my password' });
    expect(wrong.status).toBe(403);
    expect((await json(wrong)).error.code).toBe('invalid_password');
    const missing = await deleteAccount(alice.cookie, {});
    expect(missing.status).toBe(400);
    expect(await rowsMentioning([alice.id, alice.email])).toEqual(before);
    expect(await filesUnder(userDir(alice.id))).toBe(filesBefore);
    expect((await app.request('/api/v1/uploads', { headers: { cookie: alice.cookie } })).status).toBe(200);
  });

  it('DELETE /api/v1/account removes every trace, keeps payments under a pseudonym, and leaves Bob alone', async () => {
    // Rows keyed by a job or upload id (events, artifacts, job ledger entries) count as Alice's too.
    const jobIds = (await infra.services.db.selectFrom('jobs').select('id').where('user_id', '=', alice.id).execute()).map((j) => j.id);
    const needles = [alice.id, alice.email, ...jobIds, ...originals.keys()];
    const before = await rowsMentioning(needles);
    const filesBefore = await filesUnder(userDir(alice.id));
    expect(before).toMatchObject({
      user: 1,
      session: 1,
      account: 1,
      api_keys: 1,
      creem_events: 1,
      billing_accounts: 1,
      uploads: 3,
      jobs: 2,
      artifacts: 1,
    });
    expect(before.job_events).toBeGreaterThan(0);
    expect(filesBefore).toBeGreaterThanOrEqual(4);

    const res = await deleteAccount(alice.cookie, { password: PASSWORD });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/better-auth\.session_token=;/);
    // The running job was cancelled through the runner (its task aborted).
    await expect.poll(() => executor.aborted.includes(runningJobId), { timeout: 5000 }).toBe(true);

    const after = await rowsMentioning(needles);
    const filesAfter = await filesUnder(userDir(alice.id));
    console.log(`[privacy] alice rows before: ${JSON.stringify(before)} (${total(before)}), files under users/<id>/: ${filesBefore}`);
    console.log(`[privacy] alice rows after:  ${JSON.stringify(after)} (${total(after)}), files under users/<id>/: ${filesAfter}`);
    expect(after).toEqual({});
    expect(filesAfter).toBe(0);
    await expect(stat(userDir(alice.id))).rejects.toThrow();

    // The session is gone: the old cookie is anonymous now.
    expect((await app.request('/api/v1/uploads', { headers: { cookie: alice.cookie } })).status).toBe(401);

    // What billing law keeps: the purchase, under the pseudonym, and nothing personal.
    const db = infra.services.db;
    const kept = await db.selectFrom('credit_entries').selectAll().where('user_id', 'like', 'deleted:%').execute();
    expect(kept.map((e) => e.reason).sort()).toEqual(['account_deleted', 'purchase']);
    const pseudonym = kept[0]!.user_id;
    expect(pseudonym).toMatch(/^deleted:[0-9a-f]{64}$/);
    expect(kept.reduce((s, e) => s + e.amount, 0)).toBe(0);
    const account = await db.selectFrom('billing_accounts').selectAll().where('user_id', '=', pseudonym).executeTakeFirstOrThrow();
    expect(account.creem_customer_id).toBe('cust_7f3k2m9q');
    const event = await db.selectFrom('creem_events').selectAll().where('id', '=', 'evt_ord_alice_1').executeTakeFirstOrThrow();
    expect(event.payload).toContain(pseudonym);
    expect(event.payload).toContain('ord_alice_1');
    expect(event.payload).not.toContain(alice.email);
    expect(event.payload).not.toContain('Alice Example');
    expect(event.payload).not.toContain(alice.id);
    console.log(
      `[privacy] kept after deletion: ${kept.length} ledger entries, 1 billing account, 1 creem event under ${pseudonym.slice(0, 20)}…`,
    );

    // Bob is untouched.
    expect(await rowsMentioning([bob.id, bob.email])).toEqual(bobBefore);
    expect(await filesUnder(userDir(bob.id))).toBe(bobFiles);
    expect((await app.request('/api/v1/uploads', { headers: { cookie: bob.cookie } })).status).toBe(200);
    console.log(
      `[privacy] bob rows before/after: ${total(bobBefore)}/${total(await rowsMentioning([bob.id, bob.email]))}, files ${bobFiles}/${await filesUnder(userDir(bob.id))}`,
    );
  });

  it('an account without a password is deleted with the confirm phrase; a running plan must be cancelled first', async () => {
    const cookie = await signUp(app, 'social.privacy@example.com');
    const id = await userIdOf(app, cookie);
    await sql`update account set "providerId" = 'github', password = null where "userId" = ${id}`.execute(infra.services.db);
    await infra.services.db
      .insertInto('billing_accounts')
      .values({
        user_id: id,
        plan_product_id: 'prod_plan',
        plan_subscription_id: 'sub_social_1',
        plan_status: 'active',
        plan_status_at: Date.now() - 1000,
        flagged: 0,
        updated_at: Date.now(),
      })
      .execute();
    expect((await deleteAccount(cookie, { confirm: 'yes please' })).status).toBe(403);
    const blocked = await deleteAccount(cookie, { confirm: 'delete my account' });
    expect(blocked.status).toBe(409);
    expect((await json(blocked)).error.code).toBe('active_subscription');
    // Cancelled at period end: no renewal will come, so the account may go.
    await infra.services.db
      .updateTable('billing_accounts')
      .set({ plan_status: 'scheduled_cancel', plan_period_end: Date.now() + DAY_MS })
      .where('user_id', '=', id)
      .execute();
    expect((await deleteAccount(cookie, { confirm: 'Delete my account' })).status).toBe(204);
    expect(await rowsMentioning([id, 'social.privacy@example.com'])).toEqual({});
    // Creem's later "expired" event still names the deleted id and e-mail: it is kept only as a
    // tombstone (id and type), so nothing about the person comes back after deletion.
    const event = {
      id: 'evt_social_expired',
      eventType: 'subscription.expired',
      created_at: Date.now(),
      object: {
        id: 'sub_social_1',
        object: 'subscription',
        status: 'expired',
        product: { id: 'prod_plan' },
        customer: { id: 'cust_s0c1a1', email: 'social.privacy@example.com' },
        metadata: { userId: id },
      },
    };
    const body = JSON.stringify(event);
    const res = await app.request('/api/v1/webhooks/creem', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'creem-signature': await signCreemBody(body, WEBHOOK_SECRET) },
      body,
    });
    expect(res.status).toBe(200);
    expect(await rowsMentioning([id, 'social.privacy@example.com'])).toEqual({});
    const tombstone = await infra.services.db
      .selectFrom('creem_events')
      .selectAll()
      .where('id', '=', 'evt_social_expired')
      .executeTakeFirstOrThrow();
    expect(tombstone.outcome).toBe('ignored: no such account');
    const row = await infra.services.db
      .selectFrom('billing_accounts')
      .selectAll()
      .where('plan_subscription_id', '=', 'sub_social_1')
      .executeTakeFirstOrThrow();
    expect(row.user_id).toMatch(/^deleted:/);
  });
});

describe('retention', () => {
  it('purgeExpired removes due uploads and job outputs, keeps the rest, and gives plan holders their longer period', async () => {
    const cookie = await signUp(app, 'carol.privacy@example.com');
    const id = await userIdOf(app, cookie);
    const png = await gradientPng(8, 8);
    const old = await upload(cookie, png, 'old.png', 'image/png');
    const fresh = await upload(cookie, png, 'fresh.png', 'image/png');
    const job = await startJob(cookie, fresh.id);
    await waitForStatus(app, cookie, job.id, ['succeeded'], 10_000);
    const db = infra.services.db;
    const now = Date.now();
    await db
      .updateTable('uploads')
      .set({ expires_at: now - 1 })
      .where('id', '=', old.id)
      .execute();
    await db
      .updateTable('jobs')
      .set({ expires_at: now - 1 })
      .where('id', '=', job.id)
      .execute();
    // Rows created 31 days ago (past the free period) and due: deleted. The fresh upload: kept.
    await db
      .updateTable('uploads')
      .set({ created_at: now - 31 * DAY_MS })
      .where('id', '=', old.id)
      .execute();
    await db
      .updateTable('jobs')
      .set({ created_at: now - 31 * DAY_MS })
      .where('id', '=', job.id)
      .execute();
    const oldKey = storageKeys.upload(id, old.id);
    const artifactKey = storageKeys.artifact(id, job.id, 'model.stl');
    expect(await infra.services.storage.size(artifactKey)).toBeGreaterThan(0);

    // Dave took a plan after uploading: his upload, due by the free period, is extended instead.
    const daveCookie = await signUp(app, 'dave.privacy@example.com');
    const dave = await userIdOf(app, daveCookie);
    const daves = await upload(daveCookie, png, 'dave.png', 'image/png');
    await db
      .updateTable('uploads')
      .set({ expires_at: now - 1, created_at: now - 31 * DAY_MS })
      .where('id', '=', daves.id)
      .execute();
    await db
      .insertInto('billing_accounts')
      .values({ user_id: dave, plan_product_id: 'prod_plan', plan_status: 'active', plan_status_at: now, flagged: 0, updated_at: now })
      .execute();

    const filesBefore = await filesUnder(userDir(id));
    const report = await infra.services.retention.purgeExpired(now);
    const filesAfter = await filesUnder(userDir(id));
    console.log(`[privacy] retention: ${JSON.stringify(report)}; carol's files ${filesBefore} -> ${filesAfter}`);
    expect(report).toMatchObject({ uploadsDeleted: 1, jobsPurged: 1, extended: 1, failed: 0 });

    expect(await infra.services.storage.size(oldKey)).toBeUndefined();
    expect(await db.selectFrom('uploads').select('id').where('id', '=', old.id).executeTakeFirst()).toBeUndefined();
    expect(await infra.services.storage.size(storageKeys.upload(id, fresh.id))).toBe(png.byteLength);
    expect(await infra.services.storage.size(artifactKey)).toBeUndefined();
    const purged = await app.request(`/api/v1/jobs/${job.id}`, { headers: { cookie } });
    const body = (await json(purged)).job;
    expect(body).toMatchObject({ status: 'succeeded', purgedAt: now, artifacts: [] });
    const ledger = await db.selectFrom('credit_entries').select('reason').where('reference', '=', job.id).execute();
    expect(ledger.map((e) => e.reason)).toContain('job_hold');
    const extended = await db.selectFrom('uploads').select('expires_at').where('id', '=', daves.id).executeTakeFirstOrThrow();
    expect(extended.expires_at).toBe(now - 31 * DAY_MS + 365 * DAY_MS);
    expect(await infra.services.storage.size(storageKeys.upload(dave, daves.id))).toBe(png.byteLength);

    // A second run finds nothing more to do.
    expect(await infra.services.retention.purgeExpired(now)).toMatchObject({ uploadsDeleted: 0, jobsPurged: 0, extended: 0 });
  });
});
