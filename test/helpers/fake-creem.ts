/**
 * A loopback Creem: speaks the documented REST API the `creem` SDK calls (POST /v1/checkouts,
 * POST /v1/customers/billing; x-api-key auth; snake_case bodies) and builds webhook events with
 * realistic payloads, signed exactly as Creem signs them (hex HMAC-SHA256 of the raw body).
 */
import { Hono } from 'hono';
import { serveLoopback } from '../helpers/loopback.ts';
import { signCreemBody } from '../../src/services/billing/signature.ts';

export interface FakeCheckout {
  id: string;
  productId: string;
  requestId: string;
  units: number;
  email: string;
  metadata: Record<string, string>;
  successUrl: string;
}

export interface FakeCreem {
  url: string;
  apiKey: string;
  webhookSecret: string;
  checkouts: FakeCheckout[];
  requests: Array<{ path: string; apiKey: string | undefined; body: unknown }>;
  checkoutCompleted(checkout: FakeCheckout, order?: { id?: string; amount?: number }): CreemEventBody;
  subscriptionEvent(
    type: string,
    sub: { id: string; productId: string; customerId: string; userId?: string; transactionId?: string; status?: string },
    createdAt?: number,
  ): CreemEventBody;
  refundCreated(order: { id: string; amount: number }, refundAmount: number, userId: string, customerId?: string): CreemEventBody;
  disputeCreated(order: { id: string }, userId: string): CreemEventBody;
  sign(body: string): Promise<string>;
  close(): Promise<void>;
}

export interface CreemEventBody {
  id: string;
  eventType: string;
  created_at: number;
  object: Record<string, unknown>;
}

let sequence = 0;
const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(++sequence).toString(36)}`;

export async function startFakeCreem(): Promise<FakeCreem> {
  const apiKey = 'creem_test_fake_key_0123456789';
  const webhookSecret = 'whsec_fake_secret_for_tests';
  const checkouts: FakeCheckout[] = [];
  const requests: FakeCreem['requests'] = [];
  const app = new Hono();

  app.post('/v1/checkouts', async (c) => {
    const body = (await c.req.json()) as Record<string, any>;
    requests.push({ path: '/v1/checkouts', apiKey: c.req.header('x-api-key'), body });
    if (c.req.header('x-api-key') !== apiKey)
      return c.json({ trace_id: 't', status: 403, error: 'Forbidden', message: ['invalid api key'], timestamp: Date.now() }, 403);
    if (!body.product_id)
      return c.json({ trace_id: 't', status: 400, error: 'Bad Request', message: ['product_id is required'], timestamp: Date.now() }, 400);
    const checkout: FakeCheckout = {
      id: nextId('ch'),
      productId: body.product_id,
      requestId: body.request_id,
      units: body.units ?? 1,
      email: body.customer?.email,
      metadata: body.metadata ?? {},
      successUrl: body.success_url,
    };
    checkouts.push(checkout);
    return c.json({
      id: checkout.id,
      mode: 'test',
      object: 'checkout',
      status: 'pending',
      product: checkout.productId,
      units: checkout.units,
      request_id: checkout.requestId,
      checkout_url: `https://checkout.creem.test/${checkout.id}`,
      success_url: checkout.successUrl,
      metadata: checkout.metadata,
    });
  });

  app.post('/v1/customers/billing', async (c) => {
    const body = (await c.req.json()) as Record<string, any>;
    requests.push({ path: '/v1/customers/billing', apiKey: c.req.header('x-api-key'), body });
    if (c.req.header('x-api-key') !== apiKey) return c.json({ status: 403, error: 'Forbidden', message: ['invalid api key'] }, 403);
    return c.json({ customer_portal_link: `https://portal.creem.test/${body.customer_id}` });
  });

  const loopback = await serveLoopback(app.fetch);

  const customer = (email: string, id = nextId('cust')) => ({
    id,
    object: 'customer',
    email,
    name: email.split('@')[0],
    country: 'NL',
    mode: 'test',
  });

  return {
    url: loopback.url,
    apiKey,
    webhookSecret,
    checkouts,
    requests,
    checkoutCompleted(checkout, order = {}) {
      const orderId = order.id ?? nextId('ord');
      return {
        id: nextId('evt'),
        eventType: 'checkout.completed',
        created_at: Date.now(),
        object: {
          id: checkout.id,
          object: 'checkout',
          request_id: checkout.requestId,
          order: {
            id: orderId,
            customer: 'cust_x',
            product: checkout.productId,
            amount: order.amount ?? 1000,
            currency: 'EUR',
            status: 'paid',
            type: 'onetime',
            mode: 'test',
          },
          product: {
            id: checkout.productId,
            name: 'Credit pack',
            price: 1000,
            currency: 'EUR',
            billing_type: 'onetime',
            billing_period: 'once',
            mode: 'test',
          },
          units: checkout.units,
          customer: customer(checkout.email, `cust_${checkout.metadata.userId ?? 'x'}`),
          custom_fields: [],
          status: 'completed',
          metadata: checkout.metadata,
          mode: 'test',
        },
      };
    },
    subscriptionEvent(type, sub, createdAt = Date.now()) {
      return {
        id: nextId('evt'),
        eventType: type,
        created_at: createdAt,
        object: {
          id: sub.id,
          object: 'subscription',
          status: sub.status ?? type.split('.')[1],
          product: { id: sub.productId, billing_type: 'recurring', billing_period: 'every-month' },
          customer: { id: sub.customerId, email: 'sub@example.com' },
          items: [{ id: 'sitem_1', product_id: sub.productId, price_id: 'pprice_1', units: 1 }],
          current_period_start_date: new Date(createdAt).toISOString(),
          current_period_end_date: new Date(createdAt + 30 * 86400_000).toISOString(),
          last_transaction_id: sub.transactionId ?? null,
          canceled_at: type === 'subscription.canceled' ? new Date(createdAt).toISOString() : null,
          metadata: sub.userId ? { userId: sub.userId } : {},
          mode: 'test',
        },
      };
    },
    refundCreated(order, refundAmount, userId, customerId) {
      return {
        id: nextId('evt'),
        eventType: 'refund.created',
        created_at: Date.now(),
        object: {
          id: nextId('ref'),
          object: 'refund',
          status: 'succeeded',
          refund_amount: refundAmount,
          refund_currency: 'EUR',
          reason: 'requested_by_customer',
          transaction: { id: nextId('tran'), amount: order.amount },
          checkout: { id: nextId('ch'), request_id: null, metadata: { userId } },
          order: { id: order.id, amount: order.amount },
          customer: { id: customerId ?? `cust_${userId}` },
          created_at: Date.now(),
        },
      };
    },
    disputeCreated(order, userId) {
      return {
        id: nextId('evt'),
        eventType: 'dispute.created',
        created_at: Date.now(),
        object: {
          id: nextId('disp'),
          object: 'dispute',
          amount: 1000,
          currency: 'EUR',
          order: { id: order.id },
          checkout: { metadata: { userId } },
          customer: { id: `cust_${userId}` },
        },
      };
    },
    sign: (body) => signCreemBody(body, webhookSecret),
    close: () => loopback.close(),
  };
}
