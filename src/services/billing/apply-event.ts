/**
 * What each Creem event does, inside one transaction with marking it processed:
 *  - checkout.completed: a pack grants its credits, keyed by order id; a plan checkout records the
 *    subscription (its credits come with subscription.paid). Refunds that arrived first are settled.
 *  - subscription.paid: grants the plan's credits, keyed by transaction id, unless the subscription
 *    had already ended before this payment (event times decide, not arrival order).
 *  - subscription.*: plan status follows the newest event.
 *  - refund.created: takes the refunded credits back, never below zero (the account is flagged instead).
 *  - dispute.created: flags the account.
 * Every credit movement has its own idempotency key, so replays and reorderings change nothing.
 */
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import type { BillingRepository } from '../../repositories/billing.ts';
import { applyMovement, balanceOf } from '../../repositories/credits.ts';
import type { CatalogItem } from './catalog.ts';
import { ServiceError } from '../../domain/errors.ts';
import { CheckoutObject, DisputeObject, idOf, RefundObject, SubscriptionObject, userIdFrom } from './creem-events.ts';

export interface EventContext {
  trx: Transaction<Database>;
  billing: BillingRepository;
  catalog: CatalogItem[];
  now: number;
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
  await ctx.billing.upsertAccount(ctx.trx, userId, { creem_customer_id: idOf(checkout.customer) ?? null }, ctx.now);
  if (!item) return `ignored: product ${productId} is not in the catalog`;
  if (item.kind === 'plan') {
    await ctx.billing.upsertAccount(
      ctx.trx,
      userId,
      { plan_product_id: item.productId, plan_subscription_id: idOf(checkout.subscription) ?? null },
      ctx.now,
    );
    return 'plan recorded';
  }
  const orderId = checkout.order?.id ?? checkout.id;
  const credits = item.credits * Math.max(1, checkout.units ?? 1);
  const granted = await applyMovement(
    ctx.trx,
    { userId, amount: credits, reason: 'purchase', reference: orderId, idempotencyKey: `creem:order:${orderId}` },
    ctx.now,
  );
  // A refund for this order may have been delivered before this event: settle it now.
  for (const refund of await ctx.billing.refundsAbout(ctx.trx, orderId)) {
    await takeBack(ctx, userId, refund.id, JSON.parse(refund.payload).object);
  }
  return granted.applied ? `granted ${credits}` : 'already granted';
}

async function subscriptionPaid(ctx: EventContext, event: CreemEvent): Promise<string> {
  const sub = objectOf(SubscriptionObject, event);
  const userId = await subscriber(ctx, sub);
  if (!userId) return 'ignored: no user for this subscription';
  const item = ctx.catalog.find((p) => p.productId === idOf(sub.product));
  if (!item) return `ignored: product ${idOf(sub.product)} is not in the catalog`;
  const account = await ctx.billing.account(ctx.trx, userId);
  // A subscription that ended stops only payments dated after its end; an earlier payment that
  // arrives late still counts.
  if (account?.plan_status && ENDED.has(account.plan_status) && (account.plan_status_at ?? 0) < event.created_at) {
    return 'ignored: the subscription ended before this payment';
  }
  await recordPlan(ctx, userId, sub, 'active', event.created_at);
  const key = `creem:subscription-tx:${sub.last_transaction_id ?? event.id}`;
  const granted = await applyMovement(
    ctx.trx,
    { userId, amount: item.credits, reason: 'plan_period', reference: sub.id, idempotencyKey: key },
    ctx.now,
  );
  return granted.applied ? `granted ${item.credits}` : 'already granted';
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
  return (await ctx.billing.userForSubscription(ctx.trx, sub.id)) ?? userIdFrom(sub.metadata);
}

async function recordPlan(
  ctx: EventContext,
  userId: string,
  sub: ReturnType<typeof SubscriptionObject.parse>,
  status: string,
  at: number,
): Promise<void> {
  const account = await ctx.billing.account(ctx.trx, userId);
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
  await ctx.billing.upsertAccount(ctx.trx, userId, fields, ctx.now);
}

async function refundCreated(ctx: EventContext, event: CreemEvent): Promise<string> {
  const refund = objectOf(RefundObject, event);
  const orderId = refund.order?.id;
  const grant = orderId ? await ctx.billing.grantForOrder(ctx.trx, orderId) : undefined;
  const userId =
    grant?.user_id ??
    userIdFrom(refund.checkout?.metadata) ??
    (idOf(refund.customer) ? await ctx.billing.userForCustomer(ctx.trx, idOf(refund.customer)!) : undefined);
  if (!userId) return 'ignored: no user for this refund';
  if (!grant) return 'refund before grant: settled when the purchase arrives';
  return takeBack(ctx, userId, event.id, event.object);
}

async function takeBack(ctx: EventContext, userId: string, refundEventId: string, object: unknown): Promise<string> {
  // A stored refund that never parsed (it was answered 400) must not block the purchase it names.
  const parsed = RefundObject.safeParse(object);
  if (!parsed.success) return 'ignored: the stored refund is malformed';
  const refund = parsed.data;
  const grant = refund.order ? await ctx.billing.grantForOrder(ctx.trx, refund.order.id) : undefined;
  if (!grant) return 'nothing granted for this order';
  const orderAmount = refund.order?.amount ?? 0;
  const share = orderAmount > 0 && refund.refund_amount != null ? Math.min(1, refund.refund_amount / orderAmount) : 1;
  const wanted = Math.round(grant.amount * share);
  const key = `creem:refund:${refundEventId}`;
  const balance = await balanceOf(ctx.trx, userId);
  const taken = Math.min(wanted, balance);
  if (taken > 0) {
    await applyMovement(ctx.trx, { userId, amount: -taken, reason: 'refund', reference: refund.id, idempotencyKey: key }, ctx.now);
  }
  if (taken < wanted) {
    await ctx.billing.upsertAccount(
      ctx.trx,
      userId,
      { flagged: 1, flag_reason: `refund ${refund.id}: ${wanted - taken} credits already spent` },
      ctx.now,
    );
    return `took back ${taken} of ${wanted}; account flagged`;
  }
  return `took back ${taken}`;
}

async function disputeCreated(ctx: EventContext, event: CreemEvent): Promise<string> {
  const dispute = objectOf(DisputeObject, event);
  const orderGrant = dispute.order ? await ctx.billing.grantForOrder(ctx.trx, dispute.order.id) : undefined;
  const userId =
    orderGrant?.user_id ??
    userIdFrom(dispute.checkout?.metadata) ??
    (idOf(dispute.customer) ? await ctx.billing.userForCustomer(ctx.trx, idOf(dispute.customer)!) : undefined);
  if (!userId) return 'ignored: no user for this dispute';
  await ctx.billing.upsertAccount(ctx.trx, userId, { flagged: 1, flag_reason: `dispute ${dispute.id}` }, ctx.now);
  return 'account flagged';
}
