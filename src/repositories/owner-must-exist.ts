/**
 * A write refused by a foreign key to `user` means the account was deleted while the request was
 * on its way (authentication had found it a moment earlier): the caller is no longer anyone, 401.
 */
import { ServiceError } from '../domain/errors.ts';
import { isForeignKeyViolation } from './database-errors.ts';

export async function ownerMustExist<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new ServiceError('unauthorized', 'the account no longer exists');
    throw error;
  }
}
