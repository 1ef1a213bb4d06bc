/**
 * The parts of Creem's webhook payloads we act on (Creem sends more; unknown fields pass through).
 * Envelope: { id: "evt_…", eventType, created_at (ms), object }.
 */
import { z } from 'zod';

const idOrObject = z.union([z.string(), z.object({ id: z.string() }).passthrough()]);
const metadata = z.record(z.string(), z.unknown()).nullish();

export const EnvelopeSchema = z.object({
  id: z.string().min(1).max(200),
  eventType: z.string().min(1).max(100),
  created_at: z.number(),
  object: z.record(z.string(), z.unknown()),
});

export const CheckoutObject = z
  .object({
    id: z.string(),
    request_id: z.string().nullish(),
    order: z.object({ id: z.string(), amount: z.number().nullish(), type: z.string().nullish() }).passthrough().nullish(),
    product: idOrObject.nullish(),
    customer: idOrObject.nullish(),
    subscription: idOrObject.nullish(),
    units: z.number().nullish(),
    metadata,
  })
  .passthrough();

export const SubscriptionObject = z
  .object({
    id: z.string(),
    status: z.string().nullish(),
    product: idOrObject.nullish(),
    customer: idOrObject.nullish(),
    last_transaction_id: z.string().nullish(),
    current_period_end_date: z.union([z.string(), z.number()]).nullish(),
    metadata,
  })
  .passthrough();

export const RefundObject = z
  .object({
    id: z.string(),
    refund_amount: z.number().nullish(),
    transaction: idOrObject.nullish(),
    checkout: z.object({ id: z.string().nullish(), request_id: z.string().nullish(), metadata }).passthrough().nullish(),
    order: z.object({ id: z.string(), amount: z.number().nullish() }).passthrough().nullish(),
    customer: idOrObject.nullish(),
  })
  .passthrough();

export const DisputeObject = z
  .object({
    id: z.string(),
    checkout: z.object({ metadata }).passthrough().nullish(),
    order: z.object({ id: z.string() }).passthrough().nullish(),
    customer: idOrObject.nullish(),
  })
  .passthrough();

export const idOf = (v: string | { id: string } | null | undefined): string | undefined =>
  v == null ? undefined : typeof v === 'string' ? v : v.id;

export function userIdFrom(meta: Record<string, unknown> | null | undefined): string | undefined {
  const id = meta?.userId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
