/**
 * Operator actions on credits and account flags, with a reason that lands in the ledger and the
 * audit log. Grants and revocations are ledger movements like any other: a revocation can never
 * take the balance below zero.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { AtomicBatch } from '../repositories/atomic-batch.ts';
import { billingRepository } from '../repositories/billing.ts';
import { applyMovement, balanceOf } from '../repositories/credits.ts';
import { usersRepository } from '../repositories/users.ts';
import { newId } from '../domain/ids.ts';
import type { Logger } from './logger.ts';
import { ServiceError } from '../domain/errors.ts';

export interface OperatorDeps {
  db: Kysely<Database>;
  batch: AtomicBatch;
  logger: Logger;
  clock: () => number;
}

export type OperatorCommand =
  | { action: 'grant' | 'revoke'; email: string; amount: number; reason: string }
  | { action: 'clear-flag'; email: string; reason: string }
  | { action: 'balance'; email: string };

async function userIdByEmail(db: Kysely<Database>, email: string): Promise<string> {
  const id = await usersRepository(db).idByEmail(email);
  if (!id) throw ServiceError.of('not_found', `no account with the email ${email}`);
  return id;
}

export async function runOperatorCommand(
  deps: OperatorDeps,
  command: OperatorCommand,
): Promise<{ userId: string; balance: number; message: string }> {
  const { db, clock, logger } = deps;
  const userId = await userIdByEmail(db, command.email);
  if (command.action === 'balance') {
    const balance = await balanceOf(db, userId);
    return { userId, balance, message: `${command.email} has ${balance} credits` };
  }
  if (!command.reason.trim()) throw ServiceError.of('invalid_request', 'give a reason: it is kept in the ledger and the audit log');
  if (command.action === 'clear-flag') {
    await billingRepository(db).clearFlag(userId, clock());
    logger.info('audit', { event: 'operator.clear_flag', userId, reason: command.reason });
    return { userId, balance: await balanceOf(db, userId), message: `cleared the flag on ${command.email}` };
  }
  if (!Number.isInteger(command.amount) || command.amount <= 0)
    throw ServiceError.of('invalid_request', 'the amount must be a positive whole number');
  const amount = command.action === 'grant' ? command.amount : -command.amount;
  const outcome = await applyMovement(
    deps.batch,
    db,
    {
      userId,
      amount,
      reason: `operator_${command.action}`,
      reference: command.reason.slice(0, 500),
      idempotencyKey: `operator:${newId('op')}`,
    },
    clock(),
  );
  if (!outcome.applied) {
    throw new ServiceError(
      'insufficient_credits',
      `cannot revoke ${command.amount}: ${command.email} has only ${outcome.balance} (the balance never goes below zero)`,
    );
  }
  logger.info('audit', { event: `operator.${command.action}`, userId, amount: command.amount, reason: command.reason });
  return {
    userId,
    balance: outcome.balance,
    message: `${command.action === 'grant' ? 'granted' : 'revoked'} ${command.amount}; ${command.email} now has ${outcome.balance}`,
  };
}

export function parseOperatorArgs(argv: string[]): OperatorCommand {
  const [group, action, email, amountText] = argv;
  const reasonFlag = argv.indexOf('--reason');
  const reason = reasonFlag >= 0 ? (argv[reasonFlag + 1] ?? '') : '';
  if (group === 'credits' && (action === 'grant' || action === 'revoke') && email && amountText) {
    return { action, email, amount: Number(amountText), reason };
  }
  if (group === 'credits' && action === 'balance' && email) return { action: 'balance', email };
  if (group === 'account' && action === 'clear-flag' && email) return { action: 'clear-flag', email, reason };
  throw new Error(OPERATOR_USAGE);
}

export const OPERATOR_USAGE = `usage:
  npm run operator -- credits grant  <email> <amount> --reason "why"
  npm run operator -- credits revoke <email> <amount> --reason "why"
  npm run operator -- credits balance <email>
  npm run operator -- account clear-flag <email> --reason "why"`;
