/** The signed-in user, from better-auth's cookie session. */
import { api } from './api.ts';
import type { User } from './api.ts';

let current: User | null = null;

export const session = {
  get user(): User | null {
    return current;
  },
  async load(): Promise<User | null> {
    try {
      const body = await api.get<{ user: User } | null>('/api/auth/get-session');
      current = body && typeof body === 'object' && body.user ? body.user : null;
    } catch {
      current = null;
    }
    return current;
  },
  async signIn(email: string, password: string): Promise<User> {
    const body = await api.post<{ user: User }>('/api/auth/sign-in/email', { email, password });
    current = body.user;
    return current;
  },
  async signUp(name: string, email: string, password: string): Promise<User> {
    const body = await api.post<{ user: User }>('/api/auth/sign-up/email', { name, email, password });
    current = body.user;
    return current;
  },
  async signOut(): Promise<void> {
    await api.post('/api/auth/sign-out', {}).catch(() => undefined);
    current = null;
  },
  clear(): void {
    current = null;
  },
};
