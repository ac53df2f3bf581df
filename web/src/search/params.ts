/** Search state <-> URL query string (shareable, back-button friendly) <-> API params. Pure. */

export const LIST_KEYS = ['source_type', 'document_type', 'organisation', 'document_id', 'code_id', 'coder_id'] as const;
export type ListKey = (typeof LIST_KEYS)[number];

export interface SearchState {
  q: string;
  lists: Record<ListKey, string[]>;
  date_from: string;
  date_to: string;
  annotated: '' | 'true' | 'false';
  page: number; // 1-based
  cursor: string;
}

export const PAGE_SIZE = 20;
export const MAX_DEPTH = 10_000;

export function emptyLists(): Record<ListKey, string[]> {
  return Object.fromEntries(LIST_KEYS.map((k) => [k, []])) as unknown as Record<ListKey, string[]>;
}

export function fromUrl(search: string): SearchState {
  const p = new URLSearchParams(search);
  const lists = emptyLists();
  for (const k of LIST_KEYS) lists[k] = p.getAll(k);
  const annotated = p.get('annotated');
  return {
    q: p.get('q') ?? '',
    lists,
    date_from: p.get('date_from') ?? '',
    date_to: p.get('date_to') ?? '',
    annotated: annotated === 'true' || annotated === 'false' ? annotated : '',
    page: Math.max(1, Number(p.get('page')) || 1),
    cursor: p.get('cursor') ?? '',
  };
}

export function toUrl(state: SearchState): string {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  for (const k of LIST_KEYS) for (const v of state.lists[k]) p.append(k, v);
  if (state.date_from) p.set('date_from', state.date_from);
  if (state.date_to) p.set('date_to', state.date_to);
  if (state.annotated) p.set('annotated', state.annotated);
  if (state.page > 1) p.set('page', String(state.page));
  if (state.cursor) p.set('cursor', state.cursor);
  return p.toString();
}

/** Query parameters for GET /search. */
export function toApi(state: SearchState): Record<string, unknown> {
  const offset = (state.page - 1) * PAGE_SIZE;
  const out: Record<string, unknown> = { q: state.q, limit: PAGE_SIZE, ...state.lists };
  if (state.cursor) out.cursor = state.cursor;
  else out.offset = Math.min(offset, MAX_DEPTH - PAGE_SIZE);
  if (state.date_from) out.date_from = state.date_from;
  if (state.date_to) out.date_to = state.date_to;
  if (state.annotated) out.annotated = state.annotated;
  return out;
}

/** The filters part, as saved with a saved search. */
export function filtersOf(state: SearchState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of LIST_KEYS) if (state.lists[k].length) out[k] = state.lists[k];
  if (state.date_from) out.date_from = state.date_from;
  if (state.date_to) out.date_to = state.date_to;
  if (state.annotated) out.annotated = state.annotated;
  return out;
}

export function fromSaved(query: string, filters: Record<string, unknown>): SearchState {
  const lists = emptyLists();
  for (const k of LIST_KEYS) {
    const v = filters[k];
    lists[k] = (Array.isArray(v) ? v : v == null ? [] : [v]).map(String);
  }
  const annotated = String(filters.annotated ?? '');
  return {
    q: query,
    lists,
    date_from: String(filters.date_from ?? ''),
    date_to: String(filters.date_to ?? ''),
    annotated: annotated === 'true' || annotated === 'false' ? annotated : '',
    page: 1,
    cursor: '',
  };
}

export function toggle(list: string[], value: string): string[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}
