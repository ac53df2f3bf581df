/** Turns what the API answers on failure ({"detail": ...}) into a sentence a person can read. */

export interface FieldErrors {
  [field: string]: string;
}

interface ValidationItem {
  loc?: (string | number)[];
  msg?: string;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'The request was refused',
  401: 'Please sign in again',
  403: 'You do not have permission to do this',
  404: 'Not found',
  409: 'Someone else changed this first',
  413: 'The file is too large',
  415: 'This file format cannot be read',
  422: 'Some values are not valid',
  428: 'This edit needs the version you started from',
  429: 'Too many attempts; try again later',
  503: 'The search engine is unavailable; try again shortly',
};

function detailOf(body: unknown): unknown {
  return body && typeof body === 'object' && 'detail' in body ? body.detail : undefined;
}

/** FastAPI's validation items ({loc, msg}); anything else in the list is left out. */
function validationItems(detail: unknown[]): ValidationItem[] {
  return detail.flatMap((item): ValidationItem[] => {
    if (!item || typeof item !== 'object') return [];
    const loc =
      'loc' in item && Array.isArray(item.loc)
        ? item.loc.filter((p) => typeof p === 'string' || typeof p === 'number')
        : [];
    const msg = 'msg' in item && typeof item.msg === 'string' ? item.msg : undefined;
    return [{ loc, msg }];
  });
}

function fieldOf(item: ValidationItem): string {
  const loc = (item.loc ?? []).filter((p) => p !== 'body' && p !== 'query');
  return loc.join('.');
}

/** The readable message for an error answer. `body` is the parsed JSON (or text). */
export function messageOf(status: number, body: unknown): string {
  const detail = body && typeof body === 'object' ? detailOf(body) : body;
  if (typeof detail === 'string' && detail.trim()) return detail.trim();
  if (Array.isArray(detail) && detail.length) {
    const parts = validationItems(detail).map((item) => {
      const field = fieldOf(item);
      const msg = item.msg ?? 'is not valid';
      return field ? `${field}: ${msg}` : msg;
    });
    return parts.join('; ');
  }
  if (status === 0) return 'Cannot reach the server. Check your connection and try again.';
  return `${STATUS_TEXT[status] ?? 'Something went wrong'} (HTTP ${status})`;
}

/** FastAPI validation errors (422) as {field: message}, for react-admin forms. */
export function fieldErrorsOf(body: unknown): FieldErrors | undefined {
  const detail = detailOf(body);
  if (!Array.isArray(detail)) return undefined;
  const out: FieldErrors = {};
  for (const item of validationItems(detail)) {
    const field = fieldOf(item);
    if (field && !(field in out)) out[field] = item.msg ?? 'is not valid';
  }
  return Object.keys(out).length ? out : undefined;
}

/** The message of anything thrown (HttpError, Error, or a bare value). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : 'Something went wrong';
}
