/**
 * Accounts through better-auth: email + password, sessions in a cookie, Google and GitHub when
 * their keys are configured. It shares our Kysely instance (SQLite here, D1 on Workers).
 */
import { betterAuth } from 'better-auth';
import type { Kysely } from 'kysely';
import type { AppConfig } from './config.ts';
import type { Database } from './db/schema.ts';

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
    trustedOrigins: config.trustedOrigins,
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    // No signed copy of the session in a cookie (cookieCache): better-auth would trust it for its
    // whole max age, so a copied cookie outlived sign-out and account deletion. The app's own cache
    // (src/http/session-cache.ts) keeps requests cheap and re-checks the session row every time.
    session: { cookieCache: { enabled: false } },
    socialProviders,
    rateLimit: { enabled: config.authRateLimit, window: 60, max: 100, storage: 'database' },
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] } },
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
