/** react-admin auth against the backend session (backend/accounts/routes.py). */
import type { AuthProvider } from 'react-admin';
import { api, rememberCsrf } from './http';

export interface Me {
  user: { id: number; email: string; name: string; role: 'admin' | 'user'; is_active: boolean };
  csrf_token: string | null;
}

let me: Me | null = null;
let checkedAt = 0;
const FRESH_MS = 60_000;

export function currentUser(): Me['user'] | null {
  return me?.user ?? null;
}

async function loadMe(): Promise<Me> {
  const { json } = await api<Me>('/api/auth/me');
  me = json;
  checkedAt = Date.now();
  rememberCsrf(json.csrf_token);
  return json;
}

export const authProvider: AuthProvider = {
  async login({ username, email, password }: { username?: string; email?: string; password: string }) {
    const { json } = await api<Me>('/api/auth/login', {
      method: 'POST',
      body: { email: (email ?? username ?? '').trim(), password },
    });
    me = json;
    checkedAt = Date.now();
    rememberCsrf(json.csrf_token);
  },

  async logout() {
    try {
      if (me) await api('/api/auth/logout', { method: 'POST' });
    } catch {
      /* already signed out */
    }
    me = null;
    rememberCsrf(null);
    return '/login';
  },

  async checkAuth() {
    if (me && Date.now() - checkedAt < FRESH_MS) return;
    try {
      await loadMe();
    } catch {
      me = null;
      throw { redirectTo: '/login', message: false };
    }
  },

  async checkError(error: { status?: number }) {
    if (error?.status === 401) {
      me = null;
      throw { redirectTo: '/login', message: 'Your session has ended; please sign in again' };
    }
  },

  async getIdentity() {
    const found = me ?? (await loadMe());
    return { id: found.user.id, fullName: found.user.name, email: found.user.email, role: found.user.role };
  },

  async getPermissions() {
    return me?.user.role ?? 'user';
  },
};
