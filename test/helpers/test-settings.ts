/** The settings every test backend starts from (SQLite + disk, or D1 + R2); a test's own override them. */
export const TEST_SETTINGS: Readonly<Record<string, string>> = {
  BASE_URL: 'http://localhost:3000',
  POOL_SIZE: '1',
  AUTH_RATE_LIMIT: 'off',
  // Generous limits unless a test sets its own: most tests are not about rate limiting.
  RATE_LIMIT_UPLOADS_PER_MINUTE: '100000',
  RATE_LIMIT_JOBS_PER_MINUTE: '100000',
  RATE_LIMIT_API_PER_IP_PER_MINUTE: '100000',
};
