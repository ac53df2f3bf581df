import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RaRecord } from 'react-admin';
import { dataProvider, GET_MANY_CHUNK, isRecord } from './dataProvider';
import { setProjectId } from './project';

/** A stand-in for the list route: answers the records whose ids the filter names. */
function listRoute(): { requests: URL[] } {
  const requests: URL[] = [];
  vi.stubGlobal('fetch', (path: string) => {
    const url = new URL(path, 'http://testserver');
    requests.push(url);
    const filter: unknown = JSON.parse(url.searchParams.get('filter') ?? '{}');
    const ids = isRecord(filter) && Array.isArray(filter.id) ? filter.id : [];
    const body = JSON.stringify(ids.map((id: unknown) => ({ id })));
    const range = `theories 0-${ids.length - 1}/${ids.length}`;
    return Promise.resolve(new Response(body, { headers: { 'Content-Range': range } }));
  });
  return { requests };
}

describe('getMany', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks the list route for the ids in one request', async () => {
    setProjectId(7);
    const { requests } = listRoute();
    const { data } = await dataProvider.getMany<RaRecord>('theories', { ids: [3, '5', 9] });
    expect(data.map((r) => r.id)).toEqual([3, 5, 9]);
    expect(requests).toHaveLength(1);
    expect(requests[0].pathname).toBe('/api/projects/7/theories');
    expect(requests[0].searchParams.get('range')).toBe('[0,2]');
  });

  it('splits many ids into pages and loses none', async () => {
    setProjectId(7);
    const { requests } = listRoute();
    const ids = Array.from({ length: GET_MANY_CHUNK * 2 + 1 }, (_, i) => i + 1);
    const { data } = await dataProvider.getMany<RaRecord>('cmocs', { ids });
    expect(data.map((r) => r.id)).toEqual(ids);
    expect(requests).toHaveLength(3);
  });
});
