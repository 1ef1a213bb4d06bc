import { createRoute, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { requireUser } from '../http/authenticate.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import type { CreditsService } from '../services/credits.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const EntrySchema = z.object({ id: z.string(), amount: z.number(), reason: z.string(), reference: z.string().nullable(), createdAt: z.number() }).openapi('CreditEntry');

export function creditsRoutes(credits: CreditsService, db: Kysely<Database>) {
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
          content: { 'application/json': { schema: z.object({ balance: z.number(), entries: z.array(EntrySchema), nextCursor: z.string().nullable() }) } },
        },
        ...errorResponses(400, 401),
      },
    }),
    async (c) => {
      const user = requireUser(c);
      const { limit, cursor } = c.req.valid('query');
      const rows = await credits.entries(db, user.id, limit + 1, decodeCursor(cursor));
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return c.json(
        {
          balance: await credits.balance(user.id),
          entries: page.map((e) => ({ id: e.id, amount: e.amount, reason: e.reason, reference: e.reference, createdAt: e.created_at })),
          nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
        },
        200,
      );
    },
  );
  return app;
}
