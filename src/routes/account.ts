/**
 * /api/v1/account: export everything you own as a zip, or delete the account (password, or a
 * confirm phrase when you sign in only with Google/GitHub). Thin: the privacy service decides.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie } from 'hono/cookie';
import { requireUser } from '../http/authenticate.ts';
import { contentDisposition } from '../http/content-disposition.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import type { JobsService } from '../services/jobs.ts';
import type { PrivacyService } from '../services/privacy.ts';
import { DELETE_CONFIRM_PHRASE } from '../services/privacy.ts';

const DeleteAccountSchema = z
  .object({
    password: z.string().min(1).max(1000).optional().openapi({ description: 'Required for accounts with an e-mail and password' }),
    confirm: z
      .string()
      .max(100)
      .optional()
      .openapi({ description: `For accounts without a password: "${DELETE_CONFIRM_PHRASE}"` }),
  })
  .strict()
  .openapi('DeleteAccount');

/** `jobs` (the runner's service) stops queued and running jobs on deletion; `sessionCookies` are cleared on the answer. */
export function accountRoutes(
  privacy: PrivacyService,
  jobs: Pick<JobsService, 'remove'> | undefined,
  sessionCookies: () => Promise<string[]>,
) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/account/export',
      tags: ['account'],
      summary:
        'Everything stored about you as one zip: account and API keys, jobs, ledger, uploads, billing, shares, sessions (IP, user agent, times) and audit events as JSON, with the original uploads and job outputs',
      responses: {
        200: { description: 'A zip, streamed', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } },
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const out = await privacy.exportAccount(requireUser(c).id);
      return new Response(out.stream, {
        status: 200,
        headers: {
          'content-type': 'application/zip',
          'content-disposition': contentDisposition('attachment', out.filename),
          'cache-control': 'no-store',
        },
      }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/account',
      tags: ['account'],
      summary: 'Delete your account and everything in it; payment records are kept without your name, as billing law requires',
      request: { body: { required: true, content: { 'application/json': { schema: DeleteAccountSchema } } } },
      responses: { 204: { description: 'Deleted; the session is gone' }, ...errorResponses(400, 401, 403, 404, 409, 503) },
    }),
    async (c) => {
      await privacy.deleteAccount(requireUser(c).id, c.req.valid('json'), jobs);
      for (const name of await sessionCookies()) deleteCookie(c, name, { path: '/', secure: name.startsWith('__Secure-') });
      return c.body(null, 204);
    },
  );

  return app;
}
