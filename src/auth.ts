/**
 * Accounts through better-auth: email + password, sessions in a cookie, Google and GitHub when
 * their keys are configured. It shares our Kysely instance (SQLite here, D1 on Workers).
 */
import { betterAuth } from 'better-auth';
import type { Kysely } from 'kysely';
import type { AppConfig } from './config.ts';
import type { Database } from './db/schema.ts';
import { requestOriginOf } from './http/request-origin.ts';

/** The header through which the app hands better-auth the peer address (set by us, never trusted from clients). */
export const CLIENT_IP_HEADER = 'x-image-to-stl-client-ip';

export interface AuthHooks {
  /** Called once per new user (sign-up grant, audit). */
  onUserCreated(user: { id: string; email: string }): Promise<void>;
  /** Called for every new session (a sign-in). */
  onSessionCreated(session: { userId: string; ipAddress?: string | null }): Promise<void>;
}

export function createAuth(config: AppConfig, db: Kysely<Database>, secret: string, hooks: AuthHooks) {
  const socialProviders: Record<string, { clientId: string; clientSecret: string }> = {};
  if (config.googleClientId && config.googleClientSecret) {
    socialProviders.google = { clientId: config.googleClientId, clientSecret: config.googleClientSecret };
  }
  if (config.githubClientId && config.githubClientSecret) {
    socialProviders.github = { clientId: config.githubClientId, clientSecret: config.githubClientSecret };
  }
  return betterAuth({
    baseURL: config.baseUrl,
    secret,
    database: { db, type: 'sqlite' },
    trustedOrigins: trustedOriginsFor(config),
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    // No signed copy of the session in a cookie (cookieCache): better-auth would trust it for its
    // whole max age, so a copied cookie outlived sign-out and account deletion. The app's own cache
    // (src/http/session-cache.ts) keeps requests cheap and re-checks the session row every time.
    session: { cookieCache: { enabled: false } },
    socialProviders,
    rateLimit: { enabled: config.authRateLimit, window: 60, max: 100, storage: 'database' },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // better-auth turns its Origin and CSRF checks off when NODE_ENV=test: tests would then pass
      // where a browser is refused (issue 15: sign-up from 127.0.0.1). The same checks everywhere.
      disableOriginCheck: false,
      disableCSRFCheck: false,
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            await hooks.onUserCreated({ id: user.id, email: user.email });
          },
        },
      },
      session: {
        create: {
          after: async (session) => {
            await hooks.onSessionCreated({ userId: session.userId, ipAddress: session.ipAddress });
          },
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** better-auth's cookies for a session, cleared when the account is deleted. */
export async function sessionCookieNames(auth: Auth): Promise<string[]> {
  const { authCookies } = await auth.$context;
  return [authCookies.sessionToken.name, authCookies.sessionData.name, authCookies.dontRememberToken.name];
}

/**
 * better-auth refuses a sign-up or sign-in whose Origin it does not trust. With BASE_URL pinned that
 * is BASE_URL and TRUSTED_ORIGINS only. Without it the server answers at whatever address it was
 * reached (127.0.0.1, a LAN IP, a Pi's name), so the origin the request itself was sent to is
 * trusted too: a page on any other origin still differs from it and is still refused.
 */
function trustedOriginsFor(config: AppConfig): string[] | ((request?: Request) => string[]) {
  if (config.baseUrlPinned) return config.trustedOrigins;
  return (request?: Request) => {
    const own = request ? requestOriginOf(request, config.trustProxy) : undefined;
    return own ? [own, ...config.trustedOrigins] : config.trustedOrigins;
  };
}
