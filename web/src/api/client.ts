/**
 * Typed calls to the API: the path is one of the schema's templates, and the path
 * parameters, query, JSON body and result are the ones the backend declares (./schema.ts,
 * generated). A payload the API would refuse does not compile. Transport, CSRF and errors
 * are http.ts's.
 */
import { api, totalOf, type ApiResponse } from './http';
import type { paths } from './schema';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Path = keyof paths;
/** The operation at a path and method (absent methods are `never` in the schema). */
type Op<P extends Path, M extends Method> = NonNullable<paths[P][M]>;
export type MethodOf<P extends Path> = {
  [M in Method]: [NonNullable<paths[P][M]>] extends [never] ? never : M;
}[Method];

type Params<O, K extends 'path' | 'query'> = O extends { parameters: { [k in K]?: infer X } } ? X : never;
type JsonIn<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type FormIn<O> = O extends { requestBody?: { content: { 'multipart/form-data': unknown } } } ? FormData : never;
type JsonOut<R> = R extends { content: { 'application/json': infer T } } ? T : undefined;
/** The 2xx answer's JSON (undefined for 204). */
export type Result<O> = O extends { responses: infer R }
  ? 200 extends keyof R
    ? JsonOut<R[200]>
    : 201 extends keyof R
      ? JsonOut<R[201]>
      : 202 extends keyof R
        ? JsonOut<R[202]>
        : undefined
  : never;

/** The query parameters of a path's operation, e.g. QueryOf<'/api/projects/{project_id}/search', 'get'>. */
export type QueryOf<P extends Path, M extends MethodOf<P>> = Params<Op<P, M>, 'query'>;

export type CallOptions<O> = {
  query?: Params<O, 'query'>;
  body?: JsonIn<O> | FormIn<O>;
  ifMatch?: number;
  signal?: AbortSignal;
} & ([Params<O, 'path'>] extends [undefined] ? { path?: undefined } : { path: Params<O, 'path'> });

/** `/api/projects/{project_id}/codes/{code_id}` with {project_id: 1, code_id: 2}. */
export function fillPath(template: string, params: Record<string, string | number> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}

/** The full answer (status, headers, JSON) of a typed call. */
export async function callFull<P extends Path, M extends MethodOf<P>>(
  method: M,
  path: P,
  options: CallOptions<Op<P, M>>,
): Promise<ApiResponse<Result<Op<P, M>>>> {
  const url = fillPath(path, options.path);
  return api<Result<Op<P, M>>>(url, {
    method: method.toUpperCase(),
    query: options.query as Record<string, unknown> | undefined, // any generated query object is such a record
    body: options.body,
    ifMatch: options.ifMatch,
    signal: options.signal,
  });
}

/** A typed call's JSON result. */
export async function call<P extends Path, M extends MethodOf<P>>(
  method: M,
  path: P,
  options: CallOptions<Op<P, M>>,
): Promise<Result<Op<P, M>>> {
  return (await callFull(method, path, options)).json;
}

/** Paths with a GET that answers a list (the backend's sort/range/filter protocol). */
type ListPath = {
  [P in Path]: 'get' extends MethodOf<P> ? (Result<Op<P, 'get'>> extends unknown[] ? P : never) : never;
}[Path];

/** Every row of a list route, 500 per request, filtered and sorted by the API. */
export async function listAll<P extends ListPath>(
  path: P,
  params: Params<Op<P, 'get'>, 'path'>,
  filter: Record<string, unknown> = {},
  sort: [string, string] = ['id', 'ASC'],
): Promise<Result<Op<P, 'get'>>> {
  const PAGE = 500;
  const url = fillPath(path, params);
  const rows: unknown[] = [];
  for (let first = 0; ; first += PAGE) {
    const query = {
      filter: JSON.stringify(filter),
      sort: JSON.stringify(sort),
      range: JSON.stringify([first, first + PAGE - 1]),
    };
    const { json, headers } = await api<unknown[]>(url, { query });
    rows.push(...json);
    if (json.length < PAGE || rows.length >= totalOf(headers, rows.length)) break;
  }
  // Each page is this list route's answer (ListPath), so the rows together are too.
  return rows as Result<Op<P, 'get'>>;
}
