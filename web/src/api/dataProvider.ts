/**
 * The one react-admin data provider. Speaks the backend's list protocol
 * (backend/api/listing.py: sort/range/filter JSON params, Content-Range) and nests
 * project resources under /api/projects/{pid}/. Resources whose endpoints return the
 * whole collection (codes, members, projects...) are sorted, filtered and paged here.
 */
import type { DataProvider, GetListParams, Identifier, RaRecord } from 'react-admin';
import { api, totalOf } from './http';
import { getProjectId, projectPath } from './project';
import { pushUndo } from '../common/undo';

interface Route {
  path: string; // under the project unless `global`
  global?: boolean;
  clientSide?: boolean; // endpoint returns everything; page it here
  versioned?: boolean; // edits need If-Match: "<version>"
}

export const ROUTES: Record<string, Route> = {
  projects: { path: '/api/projects', global: true, clientSide: true },
  users: { path: '/api/users', global: true, clientSide: true },
  documents: { path: '/documents' },
  jobs: { path: '/ingest/jobs' },
  members: { path: '/members', clientSide: true },
  codes: { path: '/codes', clientSide: true },
  annotations: { path: '/annotations', versioned: true },
  theories: { path: '/theories', versioned: true },
  cmocs: { path: '/cmocs', versioned: true },
  'saved-searches': { path: '/saved-searches', clientSide: true },
};

export function resourceUrl(resource: string, id?: Identifier): string {
  const route = ROUTES[resource] ?? { path: `/${resource}` };
  const base = route.global ? route.path : projectPath(route.path, getProjectId());
  return id === undefined ? base : `${base}/${encodeURIComponent(String(id))}`;
}

/** Ids per getMany request: the server's page size (backend/api/listing.py MAX_PAGE). */
export const GET_MANY_CHUNK = 500;

const TEXT_FIELDS = ['name', 'title', 'email', 'statement', 'framework', 'query', 'original_filename'];

/** react-admin hands filters and records over as `any`; this is how they are looked at. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function recordOrEmpty(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** A cell's text for matching: scalars as written, anything else as JSON. */
function textOf(value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

function identifier(value: unknown): Identifier {
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new Error(`not a record id: ${textOf(value)}`);
}

function fold(value: unknown): string {
  return textOf(value).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Client-side list semantics for resources returned whole. Exported for tests. */
export function pageLocally<T extends RaRecord>(rows: T[], params: GetListParams): { data: T[]; total: number } {
  const filter = recordOrEmpty(params.filter);
  const cell = (row: T, key: string): unknown => row[key];
  let out = rows.filter((row) =>
    Object.entries(filter).every(([key, wanted]) => {
      if (wanted === undefined || wanted === '' || wanted === null) return true;
      if (key === 'q') return TEXT_FIELDS.some((f) => fold(cell(row, f)).includes(fold(wanted)));
      const value = cell(row, key);
      const wantedList: unknown[] = Array.isArray(wanted) ? wanted : [wanted];
      const values: unknown[] = Array.isArray(value) ? value : [value];
      return wantedList.some((w) => values.some((v) => textOf(v) === textOf(w)));
    }),
  );
  const { field, order } = params.sort ?? { field: 'id', order: 'ASC' };
  if (field) {
    const dir = order === 'DESC' ? -1 : 1;
    out = [...out].sort((a, b) => {
      const x = cell(a, field);
      const y = cell(b, field);
      if (x == null && y == null) return 0;
      if (x == null) return 1;
      if (y == null) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : textOf(x).localeCompare(textOf(y))) * dir;
    });
  }
  const { page, perPage } = params.pagination ?? { page: 1, perPage: out.length || 1 };
  return { data: out.slice((page - 1) * perPage, page * perPage), total: out.length };
}

function listQuery(params: GetListParams): Record<string, string> {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: 25 };
  const { field, order } = params.sort ?? { field: 'id', order: 'ASC' };
  const given = recordOrEmpty(params.filter);
  const filter = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== '' && v !== undefined));
  return {
    sort: JSON.stringify([field || 'id', order || 'ASC']),
    range: JSON.stringify([(page - 1) * perPage, page * perPage - 1]),
    filter: JSON.stringify(filter),
  };
}

/** Only what changed, so a PATCH never overwrites a colleague's edit to another field. */
export function changedFields(
  data: Record<string, unknown>,
  previous?: Record<string, unknown>,
): Record<string, unknown> {
  if (!previous) return data;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (JSON.stringify(value) !== JSON.stringify(previous[key])) out[key] = value;
  }
  return out;
}

async function getList(resource: string, params: GetListParams) {
  const route = ROUTES[resource];
  if (route?.clientSide) {
    const { json } = await api<RaRecord[]>(resourceUrl(resource));
    return pageLocally(json, params);
  }
  const { json, headers } = await api<RaRecord[]>(resourceUrl(resource), { query: listQuery(params) });
  return { data: json, total: totalOf(headers, json.length) };
}

/** The version a versioned record was read at (its If-Match), when the route needs one. */
function versionOf(resource: string, previous: Record<string, unknown> | undefined): number | undefined {
  const version = previous?.version;
  return ROUTES[resource]?.versioned && typeof version === 'number' ? version : undefined;
}

/** Resources whose changes are undone through their own routes: revert (to the version
 * before, from the history), restore (a delete) and delete (a create). */
const UNDOABLE: Record<string, string> = { cmocs: 'CMOC' };

function undoOf(resource: string, action: 'created' | 'saved' | 'deleted', url: string, versions?: number[]) {
  const what = UNDOABLE[resource];
  if (!what) return;
  const label = `${what} ${action}`;
  if (action === 'created') pushUndo(label, () => api(url, { method: 'DELETE' }));
  else if (action === 'deleted') pushUndo(label, () => api(`${url}/restore`, { method: 'POST' }));
  else if (versions) {
    const [before, after] = versions;
    pushUndo(label, () => api(`${url}/revert`, { method: 'POST', body: { to_version: before, version: after } }));
  }
}

function idOf(json: RaRecord): Identifier {
  return identifier(json.id);
}

// react-admin's DataProvider methods are generic in the record type the caller asks for;
// the API answers each resource with its own shape, which no single signature can name.
// So the records go back as `never` (assignable to any RecordType): the one place where
// the web trusts a resource's route to answer the shape its screen reads.
export const dataProvider: DataProvider = {
  getList: (resource, params) => getList(resource, params) as never, // see above: generic record type

  getOne: async (resource, params) => {
    const { json } = await api<RaRecord>(resourceUrl(resource, params.id), { signal: params.signal });
    return { data: json as never }; // see above: generic record type
  },

  getMany: async (resource, params) => {
    const ids = params.ids.map((id) => (typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id));
    // Every list route takes filter={"id":[...]} (backend/api/filters.py): one request per
    // GET_MANY_CHUNK ids, which keeps the URL short; the server answers every id asked for.
    const chunks = [];
    for (let i = 0; i < ids.length; i += GET_MANY_CHUNK) chunks.push(ids.slice(i, i + GET_MANY_CHUNK));
    const pages = await Promise.all(
      chunks.map((chunk) =>
        getList(resource, {
          filter: { id: chunk },
          pagination: { page: 1, perPage: chunk.length },
          sort: { field: 'id', order: 'ASC' },
        }),
      ),
    );
    return { data: pages.flatMap((page) => page.data) as never }; // see above: generic record type
  },

  getManyReference: (resource, params) => {
    const filter = { ...recordOrEmpty(params.filter), [params.target]: params.id };
    return getList(resource, { ...params, filter }) as never; // see above: generic record type
  },

  create: async (resource, params) => {
    const { json } = await api<RaRecord>(resourceUrl(resource), { method: 'POST', body: params.data });
    undoOf(resource, 'created', resourceUrl(resource, idOf(json)));
    return { data: json as never }; // see above: generic record type
  },

  update: async (resource, params) => {
    const previous = isRecord(params.previousData) ? params.previousData : undefined;
    const body = changedFields(recordOrEmpty(params.data), previous);
    delete body.id;
    const id = identifier(params.id);
    const ifMatch = versionOf(resource, previous);
    const { json } = await api<RaRecord>(resourceUrl(resource, id), { method: 'PATCH', body, ifMatch });
    const after: unknown = json.version;
    if (ifMatch !== undefined && typeof after === 'number' && after !== ifMatch)
      undoOf(resource, 'saved', resourceUrl(resource, id), [ifMatch, after]);
    return { data: json as never }; // see above: generic record type
  },

  updateMany: async (resource, params) => {
    await Promise.all(params.ids.map((id) => api(resourceUrl(resource, id), { method: 'PATCH', body: params.data })));
    return { data: params.ids };
  },

  delete: async (resource, params) => {
    const previous = isRecord(params.previousData) ? params.previousData : undefined;
    await api(resourceUrl(resource, params.id), { method: 'DELETE', ifMatch: versionOf(resource, previous) });
    undoOf(resource, 'deleted', resourceUrl(resource, params.id));
    return { data: (params.previousData ?? { id: params.id }) as never }; // see above: generic record type
  },

  deleteMany: async (resource, params) => {
    for (const id of params.ids) await api(resourceUrl(resource, id), { method: 'DELETE' });
    return { data: params.ids };
  },
};
