/** Search state <-> URL query string (shareable, back-button friendly) <-> API params. Pure. */
import type { QueryOf } from '../api/client';
import { DOCUMENT_TYPES, SOURCE_TYPES } from '../documents/choices';

export type SearchQuery = QueryOf<'/api/projects/{project_id}/search', 'get'>;

export const LIST_KEYS = [
  'source_type',
  'document_type',
  'organisation',
  'document_id',
  'code_id',
  'coder_id',
] as const;
export type ListKey = (typeof LIST_KEYS)[number];

/** How hits are ranked: 'auto' is hybrid (words and meaning fused), or words alone when
 * the server has semantic search off or the query has quotes or operators; the
 * response's `mode` says which ran. */
export const MODES = [
  { id: 'auto', name: 'Words and meaning' },
  { id: 'lexical', name: 'Words' },
  { id: 'semantic', name: 'Meaning' },
] as const;
export type Mode = (typeof MODES)[number]['id'];

export interface SearchState {
  q: string;
  mode: Mode;
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
  return { source_type: [], document_type: [], organisation: [], document_id: [], code_id: [], coder_id: [] };
}

/** Ids from the URL: whole numbers only (anything else typed into it is left out). */
function ids(values: string[]): number[] {
  return values.map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

/** Values that are one of the choices' ids, typed (unknown ones are left out). */
function known<T extends string>(values: string[], choices: { id: T }[]): T[] {
  return values.flatMap((v) => choices.filter((c) => c.id === v).map((c) => c.id));
}

export function fromUrl(search: string): SearchState {
  const p = new URLSearchParams(search);
  const lists = emptyLists();
  for (const k of LIST_KEYS) lists[k] = p.getAll(k);
  const annotated = p.get('annotated');
  const mode = MODES.find((m) => m.id === p.get('mode'))?.id ?? 'auto';
  return {
    q: p.get('q') ?? '',
    mode,
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
  if (state.mode !== 'auto') p.set('mode', state.mode);
  for (const k of LIST_KEYS) for (const v of state.lists[k]) p.append(k, v);
  if (state.date_from) p.set('date_from', state.date_from);
  if (state.date_to) p.set('date_to', state.date_to);
  if (state.annotated) p.set('annotated', state.annotated);
  if (state.page > 1) p.set('page', String(state.page));
  if (state.cursor) p.set('cursor', state.cursor);
  return p.toString();
}

/** Query parameters for GET /search. */
export function toApi(state: SearchState): SearchQuery {
  const offset = (state.page - 1) * PAGE_SIZE;
  const { lists } = state;
  const out: SearchQuery = {
    q: state.q,
    mode: state.mode,
    limit: PAGE_SIZE,
    source_type: known(lists.source_type, SOURCE_TYPES),
    document_type: known(lists.document_type, DOCUMENT_TYPES),
    organisation: lists.organisation,
    document_id: ids(lists.document_id),
    code_id: ids(lists.code_id),
    coder_id: ids(lists.coder_id),
  };
  if (state.cursor) out.cursor = state.cursor;
  else out.offset = Math.min(offset, MAX_DEPTH - PAGE_SIZE);
  if (state.date_from) out.date_from = state.date_from;
  if (state.date_to) out.date_to = state.date_to;
  if (state.annotated) out.annotated = state.annotated === 'true';
  return out;
}

/** A saved filter value as text (saved searches keep strings, numbers and booleans). */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
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
    const values: unknown[] = Array.isArray(v) ? v : v == null ? [] : [v];
    lists[k] = values.map(textOf).filter(Boolean);
  }
  const annotated = textOf(filters.annotated);
  return {
    q: query,
    mode: 'auto',
    lists,
    date_from: textOf(filters.date_from),
    date_to: textOf(filters.date_to),
    annotated: annotated === 'true' || annotated === 'false' ? annotated : '',
    page: 1,
    cursor: '',
  };
}

export function toggle(list: string[], value: string): string[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}
