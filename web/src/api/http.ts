/** The one place that talks HTTP to the backend: cookies, CSRF header, readable errors. */
import { HttpError } from 'react-admin';
import { fieldErrorsOf, messageOf } from './errors';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfFromLogin: string | null = null;

export function rememberCsrf(token: string | null | undefined): void {
  csrfFromLogin = token ?? null;
}

/** The session's CSRF token: the readable `ew_csrf` cookie, else what login returned. */
export function csrfToken(): string | null {
  const match = document.cookie.split('; ').find((c) => c.startsWith('ew_csrf='));
  return match ? decodeURIComponent(match.slice('ew_csrf='.length)) : csrfFromLogin;
}

export interface ApiOptions {
  method?: string;
  body?: unknown; // JSON-encoded unless FormData
  query?: Record<string, unknown>;
  ifMatch?: number | string;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  json: T;
}

/** Query string with repeated keys for arrays (FastAPI's list parameters). */
export function queryString(query: Record<string, unknown> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) if (v !== undefined && v !== null && v !== '') params.append(key, String(v));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function unsafeHeaders(method: string): Record<string, string> {
  const token = UNSAFE.has(method) ? csrfToken() : null;
  return token ? { 'X-CSRF-Token': token } : {};
}

export async function api<T = unknown>(path: string, options: ApiOptions = {}): Promise<ApiResponse<T>> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json', ...unsafeHeaders(method) };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;
  let response: Response;
  try {
    response = await fetch(path + queryString(options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new HttpError(messageOf(0, null), 0, null);
  }
  const text = await response.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
  }
  if (!response.ok) {
    const errors = fieldErrorsOf(json);
    const errBody = json && typeof json === 'object' ? { ...json, errors } : { detail: json, errors };
    throw new HttpError(messageOf(response.status, json), response.status, errBody);
  }
  // The caller names what this path answers (client.ts derives it from the API's schema).
  return { status: response.status, headers: response.headers, json: json as T };
}

/** The HTTP status of a failed call (undefined for anything else thrown). */
export function statusOf(err: unknown): number | undefined {
  const status: unknown = err instanceof HttpError ? err.status : undefined;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The current state a 409 answer carries (`{"detail": ..., "current": {...}}`: the
 * versioned routes, backend/api/versioned.py), or undefined.
 */
export function conflictCurrent<T>(err: unknown): T | undefined {
  if (!(err instanceof HttpError) || statusOf(err) !== 409) return undefined;
  const body: unknown = err.body;
  if (!body || typeof body !== 'object' || !('current' in body)) return undefined;
  // The versioned routes answer 409 with the resource's current public shape, T.
  return (body.current ?? undefined) as T | undefined;
}

export async function getJson<T>(path: string, query?: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  return (await api<T>(path, { query, signal })).json;
}

export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  return (await api<T>(path, { method: 'POST', body })).json;
}

/** Total from `Content-Range: things 0-24/319`. */
export function totalOf(headers: Headers, fallback: number): number {
  const range = headers.get('Content-Range');
  const total = range ? Number(range.split('/').pop()) : NaN;
  return Number.isFinite(total) ? total : fallback;
}
