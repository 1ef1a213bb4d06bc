import { createRoute, z } from '@hono/zod-openapi';
import { requireUser } from '../http/authenticate.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import type { BillingService } from '../services/billing/billing-service.ts';

export function billingRoutes(billing: BillingService) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/billing/checkout',
      tags: ['billing'],
      summary: 'Start a Creem checkout for a credit pack or plan; credits arrive by webhook',
      request: { body: { content: { 'application/json': { schema: z.strictObject({ product: z.string().min(1).max(64) }) } } } },
      responses: {
        200: {
          description: 'Checkout',
          content: { 'application/json': { schema: z.object({ checkoutId: z.string(), url: z.string(), product: z.string() }) } },
        },
        ...errorResponses(400, 401, 403, 502, 503),
      },
    }),
    async (c) => c.json(await billing.checkout(requireUser(c), c.req.valid('json').product, c.get('publicOrigin')), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/billing/portal',
      tags: ['billing'],
      summary: 'A link to the Creem customer portal (invoices, plan, cancel)',
      responses: {
        200: { description: 'Portal', content: { 'application/json': { schema: z.object({ url: z.string() }) } } },
        ...errorResponses(401, 409, 502, 503),
      },
    }),
    async (c) => c.json(await billing.portal(requireUser(c).id), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/billing/return',
      tags: ['billing'],
      summary: "Checks Creem's signed success redirect (grants nothing: webhooks do)",
      responses: {
        200: {
          description: 'Verified or not',
          content: { 'application/json': { schema: z.object({ verified: z.boolean(), checkoutId: z.string().nullable() }) } },
        },
      },
    }),
    async (c) => {
      // Creem decides the query's keys; all of them are covered by its signature.
      const query = c.req.query();
      return c.json({ verified: await billing.verifyReturn(query), checkoutId: query.checkout_id ?? null }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/webhooks/creem',
      tags: ['billing'],
      summary: 'Creem webhook (creem-signature: hex HMAC-SHA256 of the raw body)',
      responses: {
        200: {
          description: 'Applied (or already applied)',
          content: { 'application/json': { schema: z.object({ received: z.boolean(), duplicate: z.boolean() }) } },
        },
        ...errorResponses(400, 503),
      },
    }),
    async (c) => {
      const raw = await c.req.text();
      const result = await billing.handleWebhook(raw, c.req.header('creem-signature') ?? c.req.header('x-creem-signature'));
      return c.json({ received: true, duplicate: result.duplicate }, 200);
    },
  );
  return app;
}
