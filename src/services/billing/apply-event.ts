/**
 * What each Creem event does, decided from reads and written as one batch with marking it applied
 * (billing-service.ts guards the batch: nothing read here may have changed when it runs):
 *  - checkout.completed: a pack grants its credits, keyed by order id; a plan checkout records the
 *    subscription (its credits come with subscription.paid). Refunds that arrived first are settled.
 *  - subscription.paid: grants the plan's credits, keyed by transaction id, unless the subscription
 *    had already ended before this payment (event times decide, not arrival order).
 *  - subscription.*: plan status follows the newest event.
 *  - refund.created: takes the refunded credits back, never below zero (the account is flagged instead).
 *  - dispute.created: flags the account.
 * Every credit movement has its own idempotency key, so replays and reorderings change nothing.
 */
import type { CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import type { BillingRepository } from '../../repositories/billing.ts';
import type { LedgerMovement } from '../../repositories/credits.ts';
import { balanceIs, balanceOf, keyUsed, movementQuery } from '../../repositories/credits.ts';
import type { CatalogItem } from './catalog.ts';
import { ServiceError } from '../../domain/errors.ts';
import { CheckoutObject, DisputeObject, idOf, RefundObject, SubscriptionObject, userIdFrom } from './creem-events.ts';

export interface EventContext {
  /** Reads: the state before the batch. */
  db: Kysely<Database>;
  billing: BillingRepository;
  catalog: CatalogItem[];
  now: number;
  /** The batch being built, in order. */
  writes: CompiledQuery[];
  /** Conditions on what was read that must still hold when the batch runs (besides no other event applied). */
  expects: RawBuilder<unknown>[];
  /** Credits this batch grants, by user, and its grants by idempotency key: what later reads of this event must add. */
  pending: { credits: Map<string, number>; grants: Map<string, { user_id: string; amount: number }> };
}

export function eventContext(db: Kysely<Database>, billing: BillingRepository, catalog: CatalogItem[], now: number): EventContext {
  return { db, billing, catalog, now, writes: [], expects: [], pending: { credits: new Map(), grants: new Map() } };
}

/** A grant (idempotent by key): queued unless its key was used. Returns whether it applies. */
async function grant(ctx: EventContext, m: LedgerMovement): Promise<boolean> {
  const used = ctx.pending.grants.has(m.idempotencyKey) || (await keyUsed(ctx.db, m.idempotencyKey));
  if (used) return false;
  ctx.writes.push(movementQuery(ctx.db, m, ctx.now));
  ctx.pending.grants.set(m.idempotencyKey, { user_id: m.userId, amount: m.amount });
  ctx.pending.credits.set(m.userId, (ctx.pending.credits.get(m.userId) ?? 0) + m.amount);
  return true;
}

const upsertAccount = (ctx: EventContext, userId: string, fields: Parameters<BillingRepository['upsertAccountQueries']>[1]) =>
  ctx.writes.push(...ctx.billing.upsertAccountQueries(userId, fields, ctx.now));

/** The grant for an order, made before or earlier in this batch. */
async function grantForOrder(ctx: EventContext, orderId: string) {
  return ctx.pending.grants.get(`creem:order:${orderId}`) ?? (await ctx.billing.grantForOrder(ctx.db, orderId));
}

export interface CreemEvent {
  id: string;
  eventType: string;
  created_at: number;
  object: Record<string, unknown>;
}

const ENDED = new Set(['canceled', 'expired']);

/** The event's object in the shape its type documents, or a 400 (a ZodError here was a 500; found by fuzzing). */
function objectOf<T>(schema: z.ZodType<T>, event: CreemEvent): T {
  const parsed = schema.safeParse(event.object);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'object'}: ${i.message}`);
  throw ServiceError.of('invalid_request', `the ${event.eventType} event's object is malformed (${issues.join('; ')})`);
}

export async function applyCreemEvent(ctx: EventContext, event: CreemEvent): Promise<string> {
  switch (event.eventType) {
    case 'checkout.completed':
      return checkoutCompleted(ctx, event);
    case 'subscription.paid':
      return subscriptionPaid(ctx, event);
    case 'refund.created':
      return refundCreated(ctx, event);
    case 'dispute.created':
      return disputeCreated(ctx, event);
    default:
      if (event.eventType.startsWith('subscription.')) return subscriptionStatus(ctx, event, event.eventType.slice('subscription.'.length));
      return 'ignored: not an event we act on';
  }
}

async function checkoutCompleted(ctx: EventContext, event: CreemEvent): Promise<string> {
  const checkout = objectOf(CheckoutObject, event);
  const userId = userIdFrom(checkout.metadata);
  if (!userId) return 'ignored: no user in the checkout metadata';
  const productId = idOf(checkout.product);
  const item = ctx.catalog.find((p) => p.productId === productId);
  upsertAccount(ctx, userId, { creem_customer_id: idOf(checkout.customer) ?? null });
  if (!item) return `ignored: product ${productId} is not in the catalog`;
  if (item.kind === 'plan') {
    upsertAccount(ctx, userId, { plan_product_id: item.productId, plan_subscription_id: idOf(checkout.subscription) ?? null });
    return 'plan recorded';
  }
  const orderId = checkout.order?.id ?? checkout.id;
  const credits = item.credits * Math.max(1, checkout.units ?? 1);
  const granted = await grant(ctx, {
    userId,
    amount: credits,
    reason: 'purchase',
    reference: orderId,
    idempotencyKey: `creem:order:${orderId}`,
  });
  // A refund for this order may have been delivered before this event: settle it now.
  for (const refund of await ctx.billing.refundsAbout(ctx.db, orderId)) {
    await takeBack(ctx, userId, refund.id, JSON.parse(refund.payload).object);
  }
  return granted ? `granted ${credits}` : 'already granted';
}

async function subscriptionPaid(ctx: EventContext, event: CreemEvent): Promise<string> {
  const sub = objectOf(SubscriptionObject, event);
  const userId = await subscriber(ctx, sub);
  if (!userId) return 'ignored: no user for this subscription';
  const item = ctx.catalog.find((p) => p.productId === idOf(sub.product));
  if (!item) return `ignored: product ${idOf(sub.product)} is not in the catalog`;
  const account = await ctx.billing.account(ctx.db, userId);
  // A subscription that ended stops only payments dated after its end; an earlier payment that
  // arrives late still counts.
  if (account?.plan_status && ENDED.has(account.plan_status) && (account.plan_status_at ?? 0) < event.created_at) {
    return 'ignored: the subscription ended before this payment';
  }
  await recordPlan(ctx, userId, sub, 'active', event.created_at);
  const key = `creem:subscription-tx:${sub.last_transaction_id ?? event.id}`;
  const granted = await grant(ctx, { userId, amount: item.credits, reason: 'plan_period', reference: sub.id, idempotencyKey: key });
  return granted ? `granted ${item.credits}` : 'already granted';
}

async function subscriptionStatus(ctx: EventContext, event: CreemEvent, status: string): Promise<string> {
  const sub = objectOf(SubscriptionObject, event);
  const userId = await subscriber(ctx, sub);
  if (!userId) return 'ignored: no user for this subscription';
  await recordPlan(ctx, userId, sub, status, event.created_at);
  return `plan ${status}`;
}

/**
 * The account a subscription belongs to: the one that recorded it first, else the checkout's
 * metadata. The stored link wins so that events after an account deletion land on the
 * pseudonymised billing row instead of recreating the deleted user id.
 */
async function subscriber(ctx: EventContext, sub: ReturnType<typeof SubscriptionObject.parse>): Promise<string | undefined> {
  return (await ctx.billing.userForSubscription(ctx.db, sub.id)) ?? userIdFrom(sub.metadata);
}

async function recordPlan(
  ctx: EventContext,
  userId: string,
  sub: ReturnType<typeof SubscriptionObject.parse>,
  status: string,
  at: number,
): Promise<void> {
  const account = await ctx.billing.account(ctx.db, userId);
  const fields: Record<string, unknown> = {
    plan_subscription_id: sub.id,
    plan_product_id: idOf(sub.product) ?? null,
    creem_customer_id: idOf(sub.customer) ?? account?.creem_customer_id ?? null,
  };
  // Only a newer event may change the status: delivery order does not matter.
  if (!account?.plan_status_at || account.plan_status_at <= at) {
    fields.plan_status = status;
    fields.plan_status_at = at;
    const end = sub.current_period_end_date;
    fields.plan_period_end = end == null ? null : typeof end === 'number' ? end : Date.parse(end) || null;
  }
  upsertAccount(ctx, userId, fields);
}

async function refundCreated(ctx: EventContext, event: CreemEvent): Promise<string> {
  const refund = objectOf(RefundObject, event);
  const orderId = refund.order?.id;
  const granted = orderId ? await grantForOrder(ctx, orderId) : undefined;
  const userId =
    granted?.user_id ??
    userIdFrom(refund.checkout?.metadata) ??
    (idOf(refund.customer) ? await ctx.billing.userForCustomer(ctx.db, idOf(refund.customer)!) : undefined);
  if (!userId) return 'ignored: no user for this refund';
  if (!granted) return 'refund before grant: settled when the purchase arrives';
  return takeBack(ctx, userId, event.id, event.object);
}

async function takeBack(ctx: EventContext, userId: string, refundEventId: string, object: unknown): Promise<string> {
  // A stored refund that never parsed (it was answered 400) must not block the purchase it names.
  const parsed = RefundObject.safeParse(object);
  if (!parsed.success) return 'ignored: the stored refund is malformed';
  const refund = parsed.data;
  const granted = refund.order ? await grantForOrder(ctx, refund.order.id) : undefined;
  if (!granted) return 'nothing granted for this order';
  const orderAmount = refund.order?.amount ?? 0;
  const share = orderAmount > 0 && refund.refund_amount != null ? Math.min(1, refund.refund_amount / orderAmount) : 1;
  const wanted = Math.round(granted.amount * share);
  const key = `creem:refund:${refundEventId}`;
  // Jobs move the balance at any time: the batch runs only if it is still what was read here.
  const before = await balanceOf(ctx.db, userId);
  ctx.expects.push(balanceIs(userId, before));
  const balance = before + (ctx.pending.credits.get(userId) ?? 0);
  const taken = Math.min(wanted, balance);
  if (taken > 0) {
    ctx.writes.push(
      movementQuery(ctx.db, { userId, amount: -taken, reason: 'refund', reference: refund.id, idempotencyKey: key }, ctx.now),
    );
    ctx.pending.credits.set(userId, (ctx.pending.credits.get(userId) ?? 0) - taken);
  }
  if (taken < wanted) {
    upsertAccount(ctx, userId, { flagged: 1, flag_reason: `refund ${refund.id}: ${wanted - taken} credits already spent` });
    return `took back ${taken} of ${wanted}; account flagged`;
  }
  return `took back ${taken}`;
}

async function disputeCreated(ctx: EventContext, event: CreemEvent): Promise<string> {
  const dispute = objectOf(DisputeObject, event);
  const orderGrant = dispute.order ? await grantForOrder(ctx, dispute.order.id) : undefined;
  const userId =
    orderGrant?.user_id ??
    userIdFrom(dispute.checkout?.metadata) ??
    (idOf(dispute.customer) ? await ctx.billing.userForCustomer(ctx.db, idOf(dispute.customer)!) : undefined);
  if (!userId) return 'ignored: no user for this dispute';
  upsertAccount(ctx, userId, { flagged: 1, flag_reason: `dispute ${dispute.id}` });
  return 'account flagged';
}
