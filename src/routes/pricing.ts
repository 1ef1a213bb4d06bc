import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../http/router.ts';
import type { CatalogItem } from '../services/billing/catalog.ts';
import type { PriceTable } from '../services/pricing.ts';

export function pricingRoutes(table: PriceTable, catalog: () => CatalogItem[], available: (mode: string) => boolean) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/pricing',
      tags: ['billing'],
      summary: 'Credits per job (mode x size class, per started unit of grid samples) and what can be bought',
      responses: {
        200: {
          description: 'Prices',
          content: {
            'application/json': {
              schema: z.object({
                sizeClasses: z.object({ S: z.number(), M: z.number() }),
                samplesPerUnit: z.number().openapi({
                  description: 'Image jobs pay their price once per started unit of this many grid samples (a dry run shows the estimate)',
                }),
                modes: z.array(z.object({ mode: z.string(), available: z.boolean(), prices: z.record(z.string(), z.number()) })),
                products: z.array(z.object({ key: z.string(), credits: z.number(), kind: z.string() })),
              }),
            },
          },
        },
      },
    }),
    (c) =>
      c.json(
        {
          sizeClasses: table.sizeClasses,
          samplesPerUnit: table.samplesPerUnit,
          modes: Object.entries(table.prices).map(([mode, prices]) => ({ mode, available: available(mode), prices })),
          products: catalog().map((p) => ({ key: p.key, credits: p.credits, kind: p.kind })),
        },
        200,
      ),
  );
  return app;
}
