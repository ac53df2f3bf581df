/** react-admin auth against the backend session (backend/accounts/routes.py). */
import type { AuthProvider } from 'react-admin';
import { call } from './client';
import { rememberCsrf } from './http';
import type { Me } from './types';

let me: Me | null = null;
let checkedAt = 0;
const FRESH_MS = 60_000;

export function currentUser(): Me['user'] | null {
  return me?.user ?? null;
}

async function loadMe(): Promise<Me> {
  const json = await call('get', '/api/auth/me', {});
  me = json;
  checkedAt = Date.now();
  rememberCsrf(json.csrf_token);
  return json;
}

export const authProvider: AuthProvider = {
  async login({
    username,
    email,
    password,
    signedIn,
  }: {
    username?: string;
    email?: string;
    password?: string;
    signedIn?: { user: Me['user'] | null; csrf_token: string | null };
  }) {
    // The sign-in page ran the steps (second factor, new password) and is signed in.
    if (signedIn?.user) {
      me = { user: signedIn.user, csrf_token: signedIn.csrf_token };
      checkedAt = Date.now();
      rememberCsrf(signedIn.csrf_token);
      return;
    }
    const json = await call('post', '/api/auth/login', {
      body: { email: (email ?? username ?? '').trim(), password: password ?? '' },
    });
    // A step left (second factor, new password) is the sign-in page's to run (LoginPage.tsx).
    if (!json.user) throw new Error('Sign-in needs another step: use the sign-in page');
    me = { user: json.user, csrf_token: json.csrf_token };
    checkedAt = Date.now();
    rememberCsrf(json.csrf_token);
  },

  async logout() {
    try {
      if (me) await call('post', '/api/auth/logout', {});
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
      // react-admin's contract: checkAuth rejects with {redirectTo, message} (false: no notice).
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw { redirectTo: '/login', message: false };
    }
  },

  checkError(error: { status?: number }) {
    if (error?.status === 401) {
      me = null;
      // react-admin's contract: checkError rejects with {redirectTo, message}.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject({ redirectTo: '/login', message: 'Your session has ended; please sign in again' });
    }
    return Promise.resolve();
  },

  async getIdentity() {
    const found = me ?? (await loadMe());
    return { id: found.user.id, fullName: found.user.name, email: found.user.email, role: found.user.role };
  },

  getPermissions() {
    return Promise.resolve(me?.user.role ?? 'user');
  },
};
