/** Sign-up through the HTTP API, the same on every backend (test/helpers and test/workers test services). */

/** Signs up through the HTTP API and returns the session cookie. */
export async function signUp(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  email: string,
): Promise<string> {
  const res = await app.request('/api/auth/sign-up/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
    body: JSON.stringify({ email, password: 'correct horse battery', name: email.split('@')[0] }),
  });
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0];
}
