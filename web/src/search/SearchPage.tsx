/** Search: query box, facets and filters, highlighted hits, pagination, saved searches. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Box, LinearProgress } from '@mui/material';
import { Title } from 'react-admin';
import { useLocation, useNavigate } from 'react-router-dom';
import { getJson } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import type { SearchResponse } from '../api/types';
import { Facets } from './Facets';
import { HitList } from './HitList';
import { filtersOf, fromSaved, fromUrl, toApi, toUrl, type SearchState } from './params';
import { QueryBox } from './QueryBox';
import { SavedSearches } from './SavedSearches';

export default function SearchPage() {
  const pid = useProjectId();
  const location = useLocation();
  const navigate = useNavigate();
  const state = fromUrl(location.search);
  const go = (next: SearchState) => navigate({ pathname: '/search', search: toUrl(next) });
  const { data, error, isFetching } = useQuery({
    queryKey: ['search', pid, toUrl({ ...state })],
    queryFn: ({ signal }) => getJson<SearchResponse>(projectPath('/search', pid), toApi(state), signal),
    enabled: !!state.q && pid != null,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const err = error as (Error & { body?: { position?: number } }) | null;
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: '260px minmax(0, 1fr)', gap: 2, p: 1 }}>
      <Title title="Search" />
      <div>
        <SavedSearches query={state.q} filters={filtersOf(state)} onApply={(s) => go(fromSaved(s.query, s.filters ?? {}))} />
        <Facets state={state} facets={data?.facets} onChange={go} />
      </div>
      <section aria-label="Query and results">
        <QueryBox value={state.q} onSearch={(q) => go({ ...state, q, page: 1, cursor: '' })} error={err ? { message: err.message, position: err.body?.position } : null} />
        {isFetching && <LinearProgress aria-label="Searching" />}
        {data && !err && (
          <HitList
            result={data}
            state={state}
            onPage={(page, cursor) => {
              go({ ...state, page, cursor: cursor ?? '' });
              window.scrollTo(0, 0);
            }}
          />
        )}
        {!state.q && <p className="ew-muted">Search every passage of the project's documents and transcripts.</p>}
      </section>
    </Box>
  );
}
