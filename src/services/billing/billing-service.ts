/**
 * Billing rules: checkouts and the portal through the payment gateway, webhook events verified,
 * stored and applied once, plan status and the ledger as CSV. Webhooks are the only thing that
 * grants credits; the success redirect only tells the browser what happened.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { AtomicBatch } from '../../repositories/atomic-batch.ts';
import { allOf, guard, isGuardFailure } from '../../repositories/atomic-batch.ts';
import type { BillingRepository } from '../../repositories/billing.ts';
import { listEntries } from '../../repositories/credits.ts';
import { usersRepository } from '../../repositories/users.ts';
import { newId } from '../../domain/ids.ts';
import type { AuditLog } from '../audit.ts';
import type { Logger } from '../logger.ts';
import { ServiceError } from '../../domain/errors.ts';
import { applyCreemEvent, eventContext } from './apply-event.ts';
import type { CreemEvent } from './apply-event.ts';
import type { CatalogItem } from './catalog.ts';
import { EnvelopeSchema } from './creem-events.ts';
import type { PaymentGateway } from '../../domain/payment-gateway.ts';
import { verifyCreemSignature } from './signature.ts';

export interface BillingOptions {
  gateway?: PaymentGateway;
  catalog: CatalogItem[];
  webhookSecret?: string;
  /** Used to check the signed success redirect (Creem signs it with the API key). */
  apiKey?: string;
  baseUrl: string;
  clock: () => number;
  logger: Logger;
  audit?: AuditLog;
}

export interface PlanStatus {
  plan: { product: string | null; key: string | null; status: string | null; periodEnd: number | null } | null;
  flagged: boolean;
  flagReason: string | null;
}

export function createBillingService(db: Kysely<Database>, batch: AtomicBatch, billing: BillingRepository, o: BillingOptions) {
  const users = usersRepository(db);
  const requireGateway = (): PaymentGateway => {
    if (!o.gateway || o.catalog.length === 0) {
      throw new ServiceError('billing_not_configured', 'payments are not set up on this server (CREEM_API_KEY and CREEM_PRODUCTS)');
    }
    return o.gateway;
  };

  /**
   * Decides from reads, then writes the decision and marks the event applied in one batch guarded
   * by what was read: no other event applied since (the billing sequence), this one still pending,
   * balances unchanged. When the guard fails the event is decided again from fresh reads, or is
   * answered as applied when a concurrent delivery of it got there first.
   */
  async function applyOnce(event: CreemEvent, now: number): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const applied = await billing.sequence();
      const ctx = eventContext(db, billing, o.catalog, now);
      const outcome = await applyCreemEvent(ctx, event);
      const expected = allOf([billing.unchangedSince(applied, event.id), ...ctx.expects]);
      try {
        await batch.run([guard(db, expected), ...ctx.writes, ...billing.markAppliedQueries(event.id, outcome, now)]);
        return outcome;
      } catch (error) {
        if (!isGuardFailure(error)) throw error;
        if (await billing.isProcessed(event.id)) return 'already applied';
        if (attempt >= MAX_APPLY_ATTEMPTS)
          throw new ServiceError('service_unavailable', 'billing is busy; the event will be applied when Creem retries it', undefined, 5);
      }
    }
  }

  return {
    catalog: () => o.catalog,
    mode: () => o.gateway?.mode ?? null,

    /** `origin`: where the buyer reached us, so Creem sends them back there (BASE_URL when pinned). */
    async checkout(user: { id: string; email: string }, productKey: string, origin?: string) {
      const gateway = requireGateway();
      const item = o.catalog.find((p) => p.key === productKey);
      if (!item)
        throw ServiceError.of('invalid_request', `unknown product "${productKey}"; one of ${o.catalog.map((p) => p.key).join(', ')}`);
      const account = await billing.account(db, user.id);
      if (account?.flagged) throw new ServiceError('account_flagged', 'this account is on hold; contact support');
      const requestId = newId('chk');
      const checkout = await gateway.createCheckout({
        productId: item.productId,
        requestId,
        successUrl: `${(origin ?? o.baseUrl).replace(/\/$/, '')}/billing/success`,
        customerEmail: user.email,
        metadata: { userId: user.id, product: item.key },
      });
      await o.audit?.record('billing.checkout', { userId: user.id, details: { product: item.key, checkoutId: checkout.id } });
      return { checkoutId: checkout.id, url: checkout.url, product: item.key };
    },

    async portal(userId: string) {
      const gateway = requireGateway();
      const account = await billing.account(db, userId);
      if (!account?.creem_customer_id)
        throw new ServiceError('no_billing_account', 'there is nothing to manage yet: buy a pack or a plan first');
      return { url: await gateway.customerPortal(account.creem_customer_id) };
    },

    /** Verify, store, apply once. Returns what happened; throws 400 for a bad signature or body. */
    async handleWebhook(rawBody: string, signature: string | undefined): Promise<{ eventId: string; duplicate: boolean; outcome: string }> {
      if (!o.webhookSecret)
        throw new ServiceError('billing_not_configured', 'webhooks are not set up on this server (CREEM_WEBHOOK_SECRET)');
      if (!(await verifyCreemSignature(rawBody, signature, o.webhookSecret))) {
        throw new ServiceError('webhook_signature_invalid', 'the creem-signature header does not match the body');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        throw ServiceError.of('invalid_request', 'the webhook body is not JSON');
      }
      const envelope = EnvelopeSchema.safeParse(parsed);
      if (!envelope.success) throw ServiceError.of('invalid_request', 'the webhook body is not a Creem event');
      const event = envelope.data;
      const order = (event.object as { order?: { id?: unknown } }).order;
      const subject = typeof order?.id === 'string' ? order.id : undefined;
      const now = o.clock();
      // An event about an account that no longer exists (deleted, or never ours) is kept only as a
      // tombstone: redeliveries stay recognisable, and no personal data comes back after deletion.
      const claimed = claimedUserId(event.object);
      if (claimed && !(await users.exists(claimed))) {
        const fresh = await billing.recordEvent(
          {
            id: event.id,
            type: event.eventType,
            payload: JSON.stringify({ id: event.id, eventType: event.eventType, tombstone: true }),
            createdAt: event.created_at,
          },
          now,
        );
        if (fresh) await billing.markProcessed(db, event.id, 'ignored: no such account', now);
        return { eventId: event.id, duplicate: !fresh, outcome: 'ignored: no such account' };
      }
      const pending = await billing.recordEvent(
        { id: event.id, type: event.eventType, payload: rawBody, createdAt: event.created_at, subject },
        now,
      );
      if (!pending) return { eventId: event.id, duplicate: true, outcome: 'already applied' };
      const outcome = await applyOnce(event, now);
      await o.audit?.record('billing.webhook', { details: { creemEvent: event.eventType, eventId: event.id, outcome } });
      return { eventId: event.id, duplicate: outcome === 'already applied', outcome };
    },

    async planStatus(userId: string): Promise<PlanStatus> {
      const account = await billing.account(db, userId);
      return {
        plan: account?.plan_product_id
          ? {
              product: account.plan_product_id,
              key: o.catalog.find((p) => p.productId === account.plan_product_id)?.key ?? null,
              status: account.plan_status,
              periodEnd: account.plan_period_end,
            }
          : null,
        flagged: Boolean(account?.flagged),
        flagReason: account?.flag_reason ?? null,
      };
    },

    async ledgerCsv(userId: string): Promise<string> {
      const lines = ['date,amount,reason,reference,id'];
      let before: { createdAt: number; id: string } | undefined;
      for (;;) {
        const page = await listEntries(db, userId, 500, before);
        for (const e of page)
          lines.push([new Date(e.created_at).toISOString(), e.amount, csvField(e.reason), csvField(e.reference ?? ''), e.id].join(','));
        if (page.length < 500) break;
        const last = page[page.length - 1];
        before = { createdAt: last.created_at, id: last.id };
      }
      return `${lines.join('\n')}\n`;
    },

    /** The success redirect's query is signed with the API key (sorted k=v&…, nulls left out). */
    async verifyReturn(query: Record<string, string>): Promise<boolean> {
      if (!o.apiKey || !query.signature) return false;
      const payload = Object.keys(query)
        .filter((k) => k !== 'signature' && query[k] !== '' && query[k] !== 'null')
        .sort()
        .map((k) => `${k}=${query[k]}`)
        .join('&');
      const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(o.apiKey), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'verify',
      ]);
      if (!/^[0-9a-f]{64}$/i.test(query.signature)) return false;
      const sig = new Uint8Array(query.signature.match(/../g)!.map((h) => parseInt(h, 16)));
      return crypto.subtle.verify('HMAC', key, sig, new TextEncoder().encode(payload));
    },
  };
}

/** Retries of a webhook whose reads went stale under concurrent writes; each retry reads afresh. */
const MAX_APPLY_ATTEMPTS = 20;

/** The user id we put in checkout metadata, wherever this event type carries it. */
function claimedUserId(object: Record<string, unknown>): string | undefined {
  const fromMeta = (m: unknown) =>
    m && typeof m === 'object' && typeof (m as { userId?: unknown }).userId === 'string' ? (m as { userId: string }).userId : undefined;
  return fromMeta(object.metadata) ?? fromMeta((object.checkout as { metadata?: unknown } | undefined)?.metadata);
}

/** Quote for CSV and defuse spreadsheet formulas. */
function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export type BillingService = ReturnType<typeof createBillingService>;
