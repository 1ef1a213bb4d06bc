import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { parseOperatorArgs, runOperatorCommand } from '../../src/services/operator.ts';
import { sumOfEntries } from '../../src/repositories/credits.ts';
import { silentLogger } from '../../src/services/logger.ts';
import { createTestServices, signUp } from '../helpers/test-services.ts';
import type { TestInfra } from '../helpers/test-services.ts';

let infra: TestInfra;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  infra = await createTestServices({ SIGNUP_GRANT_CREDITS: '5' });
  app = createApp({ services: infra.services, health: async () => ({ database: true, pool: null }) });
});
afterAll(() => infra.close());

describe('operator credits', () => {
  it('grants and revokes with a reason, never below zero', async () => {
    await signUp(app, 'patron@example.com');
    const deps = { db: infra.services.db, batch: infra.services.batch, logger: silentLogger, clock: Date.now };
    const granted = await runOperatorCommand(
      deps,
      parseOperatorArgs(['credits', 'grant', 'patron@example.com', '20', '--reason', 'support ticket 42']),
    );
    expect(granted.balance).toBe(25);
    const revoked = await runOperatorCommand(
      deps,
      parseOperatorArgs(['credits', 'revoke', 'patron@example.com', '10', '--reason', 'duplicate grant']),
    );
    expect(revoked.balance).toBe(15);
    await expect(
      runOperatorCommand(deps, parseOperatorArgs(['credits', 'revoke', 'patron@example.com', '16', '--reason', 'too much'])),
    ).rejects.toThrow(/below zero/);
    await expect(runOperatorCommand(deps, parseOperatorArgs(['credits', 'grant', 'patron@example.com', '5']))).rejects.toThrow(/reason/);
    await expect(
      runOperatorCommand(deps, parseOperatorArgs(['credits', 'grant', 'nobody@example.com', '5', '--reason', 'x'])),
    ).rejects.toThrow(/no account/);
    expect(await sumOfEntries(infra.services.db, granted.userId)).toBe(15);
    const entries = await infra.services.db.selectFrom('credit_entries').selectAll().where('user_id', '=', granted.userId).execute();
    expect(entries.map((e) => e.reason).sort()).toEqual(['operator_grant', 'operator_revoke', 'signup_grant']);
    expect(entries.find((e) => e.reason === 'operator_grant')?.reference).toBe('support ticket 42');
  });

  it('refuses malformed commands with the usage', () => {
    expect(() => parseOperatorArgs(['credits', 'steal'])).toThrow(/usage/);
  });
});
