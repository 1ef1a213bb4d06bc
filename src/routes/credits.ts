import { createRoute, z } from '@hono/zod-openapi';
import { requireUser } from '../http/authenticate.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import type { BillingService } from '../services/billing/billing-service.ts';
import type { CreditsService } from '../services/credits.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const EntrySchema = z
  .object({
    id: z.string(),
    amount: z.number(),
    reason: z.string(),
    reference: z.string().nullable(),
    createdAt: z.number(),
    job: z
      .object({ mode: z.string(), creditState: z.enum(['none', 'held', 'captured', 'refunded']) })
      .nullable()
      .openapi({ description: 'For a job movement: the job kind and where its credits stand now (a hold is later captured or refunded)' }),
  })
  .openapi('CreditEntry');

const PlanSchema = z
  .object({
    plan: z
      .object({
        product: z.string().nullable(),
        key: z.string().nullable(),
        status: z.string().nullable(),
        periodEnd: z.number().nullable(),
      })
      .nullable(),
    flagged: z.boolean(),
    flagReason: z.string().nullable(),
  })
  .openapi('PlanStatus');

export function creditsRoutes(credits: CreditsService, billing: BillingService) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/credits',
      tags: ['credits'],
      summary: 'Balance and ledger entries, newest first',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().optional() }) },
      responses: {
        200: {
          description: 'Balance',
          content: {
            'application/json': {
              schema: z.object({
                balance: z.number(),
                entries: z.array(EntrySchema),
                nextCursor: z.string().nullable(),
                billing: PlanSchema,
              }),
            },
          },
        },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const { limit, cursor } = c.req.valid('query');
      const rows = await credits.entries(user.id, limit + 1, decodeCursor(cursor));
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return c.json(
        {
          balance: await credits.balance(user.id),
          entries: page.map((e) => ({
            id: e.id,
            amount: e.amount,
            reason: e.reason,
            reference: e.reference,
            createdAt: e.created_at,
            job: e.job_mode && e.job_credit_state ? { mode: e.job_mode, creditState: e.job_credit_state } : null,
          })),
          nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
          billing: await billing.planStatus(user.id),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/credits/export.csv',
      tags: ['credits'],
      summary: 'The whole transaction history as CSV',
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(401) },
    }),
    async (c) => {
      const user = requireUser(c);
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', 'attachment; filename="credits.csv"');
      return c.body(await billing.ledgerCsv(user.id), 200);
    },
  );
  return app;
}
