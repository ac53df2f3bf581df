/** Search: query box, facets and filters, highlighted hits, pagination, saved searches. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Box, LinearProgress, ToggleButton, ToggleButtonGroup } from '@mui/material';
import { Title } from 'react-admin';
import { useLocation, useNavigate } from 'react-router-dom';
import { call } from '../api/client';
import { isRecord } from '../api/dataProvider';
import { inProject, useProjectId } from '../api/project';
import { Facets } from './Facets';
import { HitList } from './HitList';
import { filtersOf, fromSaved, fromUrl, MODES, toApi, toUrl, type Mode, type SearchState } from './params';
import { QueryBox } from './QueryBox';
import { BlindBanner } from '../rounds/BlindBanner';
import { SavedSearches } from './SavedSearches';

export default function SearchPage() {
  const pid = useProjectId();
  const location = useLocation();
  const navigate = useNavigate();
  const state = fromUrl(location.search);
  const go = (next: SearchState) => void navigate({ pathname: '/search', search: toUrl(next) });
  const { data, error, isFetching } = useQuery({
    queryKey: ['search', pid, toUrl({ ...state })],
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/search', { path: inProject(pid), query: toApi(state), signal }),
    enabled: !!state.q && pid != null,
    placeholderData: keepPreviousData,
    retry: false,
  });
  // A query syntax error names the character it stopped at (backend/searching: 400 with position).
  const body: unknown = error && 'body' in error ? error.body : undefined;
  const position = isRecord(body) && typeof body.position === 'number' ? body.position : undefined;
  const err = error ? { message: error.message, position } : null;
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: '260px minmax(0, 1fr)', gap: 2, p: 1 }}>
      <Title title="Search" />
      <div style={{ minWidth: 0 }}>
        <SavedSearches
          query={state.q}
          filters={filtersOf(state)}
          onApply={(s) => go(fromSaved(s.query, s.filters ?? {}))}
        />
        <Facets state={state} facets={data?.facets} onChange={go} />
      </div>
      <section aria-label="Query and results">
        <BlindBanner />
        <QueryBox value={state.q} onSearch={(q) => go({ ...state, q, page: 1, cursor: '' })} error={err} />
        <ToggleButtonGroup
          size="small"
          exclusive
          value={state.mode}
          onChange={(_, mode: Mode | null) => mode && go({ ...state, mode, page: 1, cursor: '' })}
          aria-label="Rank by"
          sx={{ mb: 1 }}
        >
          {MODES.map((m) => (
            <ToggleButton key={m.id} value={m.id} data-testid={`search-mode-${m.id}`}>
              {m.name}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
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
