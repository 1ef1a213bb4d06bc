import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { parseOperatorArgs, runOperatorCommand } from '../../src/services/operator.ts';
import { billingRepository } from '../../src/repositories/billing.ts';
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

  it('reads the balance and clears an account flag, finding the account whatever the e-mail case', async () => {
    await signUp(app, 'flagged@example.com');
    const deps = { db: infra.services.db, batch: infra.services.batch, logger: silentLogger, clock: Date.now };
    const { userId, balance } = await runOperatorCommand(deps, parseOperatorArgs(['credits', 'balance', 'Flagged@Example.com']));
    expect(balance).toBe(5);
    const billing = billingRepository(infra.services.db);
    await infra.services.batch.run(billing.upsertAccountQueries(userId, { flagged: 1, flag_reason: 'dispute dp_1' }, Date.now()));
    expect((await billing.account(infra.services.db, userId))?.flagged).toBe(1);
    const cleared = await runOperatorCommand(
      deps,
      parseOperatorArgs(['account', 'clear-flag', 'flagged@example.com', '--reason', 'dispute won']),
    );
    expect(cleared).toMatchObject({ userId, balance: 5 });
    const account = await billing.account(infra.services.db, userId);
    expect(account).toMatchObject({ flagged: 0, flag_reason: null });
  });

  it('refuses malformed commands with the usage', () => {
    expect(() => parseOperatorArgs(['credits', 'steal'])).toThrow(/usage/);
  });
});
