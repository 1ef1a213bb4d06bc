/** Why a guarded fetch refused or failed: its own file so the fetch and its pinned connector share it without a cycle. */
export type GuardedFetchErrorCode =
  | 'url_rejected'
  | 'host_not_allowed'
  | 'private_address'
  | 'redirect_rejected'
  | 'too_large'
  | 'timeout'
  | 'http_error'
  | 'network';

export class GuardedFetchError extends Error {
  override readonly name = 'GuardedFetchError';
  readonly code: GuardedFetchErrorCode;
  constructor(code: GuardedFetchErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
