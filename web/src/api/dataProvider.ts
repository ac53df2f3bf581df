/**
 * The one react-admin data provider. Speaks the backend's list protocol
 * (backend/api/listing.py: sort/range/filter JSON params, Content-Range) and nests
 * project resources under /api/projects/{pid}/. Resources whose endpoints return the
 * whole collection (codes, members, projects...) are sorted, filtered and paged here.
 */
import type { DataProvider, GetListParams, Identifier, RaRecord } from 'react-admin';
import { api, totalOf } from './http';
import { getProjectId, projectPath } from './project';

interface Route {
  path: string; // under the project unless `global`
  global?: boolean;
  clientSide?: boolean; // endpoint returns everything; page it here
  idFilter?: boolean; // supports filter={"id":[...]}
  versioned?: boolean; // edits need If-Match: "<version>"
}

export const ROUTES: Record<string, Route> = {
  projects: { path: '/api/projects', global: true, clientSide: true },
  users: { path: '/api/users', global: true, clientSide: true },
  documents: { path: '/documents', idFilter: true },
  jobs: { path: '/ingest/jobs', idFilter: true },
  members: { path: '/members', clientSide: true },
  codes: { path: '/codes', clientSide: true },
  annotations: { path: '/annotations', idFilter: true, versioned: true },
  theories: { path: '/theories', versioned: true },
  cmocs: { path: '/cmocs', versioned: true },
  'saved-searches': { path: '/saved-searches', clientSide: true },
};

export function resourceUrl(resource: string, id?: Identifier): string {
  const route = ROUTES[resource] ?? { path: `/${resource}` };
  const base = route.global ? route.path : projectPath(route.path, getProjectId());
  return id === undefined ? base : `${base}/${encodeURIComponent(String(id))}`;
}

const TEXT_FIELDS = ['name', 'title', 'email', 'statement', 'framework', 'query', 'original_filename'];

function fold(value: unknown): string {
  return String(value ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
}

/** Client-side list semantics for resources returned whole. Exported for tests. */
export function pageLocally<T extends RaRecord>(rows: T[], params: GetListParams): { data: T[]; total: number } {
  let out = rows.filter((row) =>
    Object.entries(params.filter ?? {}).every(([key, wanted]) => {
      if (wanted === undefined || wanted === '' || wanted === null) return true;
      if (key === 'q') return TEXT_FIELDS.some((f) => fold(row[f]).includes(fold(wanted)));
      const value = row[key];
      const wantedList = Array.isArray(wanted) ? wanted : [wanted];
      const values = Array.isArray(value) ? value : [value];
      return wantedList.some((w) => values.some((v) => String(v) === String(w)));
    }),
  );
  const { field, order } = params.sort ?? { field: 'id', order: 'ASC' };
  if (field) {
    const dir = order === 'DESC' ? -1 : 1;
    out = [...out].sort((a, b) => {
      const x = a[field];
      const y = b[field];
      if (x == null && y == null) return 0;
      if (x == null) return 1;
      if (y == null) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
    });
  }
  const { page, perPage } = params.pagination ?? { page: 1, perPage: out.length || 1 };
  return { data: out.slice((page - 1) * perPage, page * perPage), total: out.length };
}

function listQuery(params: GetListParams): Record<string, string> {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: 25 };
  const { field, order } = params.sort ?? { field: 'id', order: 'ASC' };
  const filter = Object.fromEntries(Object.entries(params.filter ?? {}).filter(([, v]) => v !== '' && v !== undefined));
  return {
    sort: JSON.stringify([field || 'id', order || 'ASC']),
    range: JSON.stringify([(page - 1) * perPage, page * perPage - 1]),
    filter: JSON.stringify(filter),
  };
}

/** Only what changed, so a PATCH never overwrites a colleague's edit to another field. */
export function changedFields(data: Record<string, unknown>, previous?: Record<string, unknown>): Record<string, unknown> {
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

export const dataProvider: DataProvider = {
  getList: (resource, params) => getList(resource, params) as never,

  getOne: async (resource, params) => {
    const { json } = await api<RaRecord>(resourceUrl(resource, params.id), { signal: params.signal });
    return { data: json as never };
  },

  getMany: async (resource, params) => {
    const route = ROUTES[resource];
    const ids = params.ids.map((id) => (typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id));
    if (!ids.length) return { data: [] };
    if (route?.idFilter || route?.clientSide) {
      const perPage = Math.max(ids.length, 1);
      const { data } = await getList(resource, {
        filter: { id: ids },
        pagination: { page: 1, perPage },
        sort: { field: 'id', order: 'ASC' },
      });
      return { data: data as never };
    }
    const found = await Promise.all(ids.map((id) => api<RaRecord>(resourceUrl(resource, id)).then((r) => r.json)));
    return { data: found as never };
  },

  getManyReference: (resource, params) =>
    getList(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } }) as never,

  create: async (resource, params) => {
    const { json } = await api<RaRecord>(resourceUrl(resource), { method: 'POST', body: params.data });
    return { data: json as never };
  },

  update: async (resource, params) => {
    const route = ROUTES[resource];
    const previous = params.previousData as Record<string, unknown> | undefined;
    const body = changedFields(params.data as Record<string, unknown>, previous);
    delete body.id;
    const ifMatch = route?.versioned ? (previous?.version as number | undefined) : undefined;
    const { json } = await api<RaRecord>(resourceUrl(resource, params.id), { method: 'PATCH', body, ifMatch });
    return { data: json as never };
  },

  updateMany: async (resource, params) => {
    await Promise.all(params.ids.map((id) => api(resourceUrl(resource, id), { method: 'PATCH', body: params.data })));
    return { data: params.ids };
  },

  delete: async (resource, params) => {
    const route = ROUTES[resource];
    const previous = params.previousData as Record<string, unknown> | undefined;
    const ifMatch = route?.versioned ? (previous?.version as number | undefined) : undefined;
    await api(resourceUrl(resource, params.id), { method: 'DELETE', ifMatch });
    return { data: (params.previousData ?? { id: params.id }) as never };
  },

  deleteMany: async (resource, params) => {
    for (const id of params.ids) await api(resourceUrl(resource, id), { method: 'DELETE' });
    return { data: params.ids };
  },
};
