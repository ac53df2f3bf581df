/** Ranked hits: document, page, heading, text read by OCR (low confidence said), highlighted
 * fragments, codes; the engine's caveats on the query (a warning); pagination. */
import { Alert, Box, Button } from '@mui/material';
import { Link } from 'react-router-dom';
import type { SearchHit, SearchResponse } from '../api/types';
import { CodeChip } from '../common/CodeChip';
import { StatusChip } from '../common/StatusChip';
import { OCR_LOW } from '../documents/provenance';
import { useCodes } from '../common/useProjectData';
import { labelOf, SOURCE_TYPES } from '../documents/choices';
import { Highlight } from './Highlight';
import { MAX_DEPTH, PAGE_SIZE, type SearchState } from './params';

function pages(p: SearchHit['passage']): string {
  if (p.page_start == null) return '';
  return p.page_end != null && p.page_end !== p.page_start ? `pp. ${p.page_start}–${p.page_end}` : `p. ${p.page_start}`;
}

function Hit({ hit, rank }: { hit: SearchHit; rank: number }) {
  const { data: codes = [] } = useCodes();
  const { passage, document: doc } = hit;
  const codeIds = [...new Set(hit.annotations.flatMap((a) => a.code_ids))];
  const fragments = hit.highlights; // never empty: an unmarked passage gives its opening
  return (
    <article className="ew-hit" data-testid="search-hit" aria-labelledby={`hit-${passage.id}`}>
      <h3 id={`hit-${passage.id}`} className="ew-hit-title">
        <span className="ew-muted">{rank}.</span>{' '}
        <Link to={`/read/${doc.id}?passage=${passage.id}`} data-testid="search-hit-link">
          {doc.title}
        </Link>
      </h3>
      <div className="ew-hit-meta">
        {labelOf(SOURCE_TYPES, doc.source_type)}
        {doc.organisation && <> · {doc.organisation}</>}
        {doc.date && <> · {doc.date}</>}
        {pages(passage) && (
          <>
            {' '}
            · <strong data-testid="search-hit-page">{pages(passage)}</strong>
          </>
        )}
        {passage.heading_path.length > 0 && (
          <>
            {' '}
            · <span data-testid="search-hit-heading">{passage.heading_path.join(' › ')}</span>
          </>
        )}
        {passage.speaker && <> · speaker {passage.speaker}</>}
        {passage.text_source === 'ocr' && (
          <>
            {' '}
            ·{' '}
            <span data-testid="search-hit-ocr">
              <StatusChip
                status={passage.ocr_low_confidence ? 'ocr_low' : 'ocr'}
                label={passage.ocr_low_confidence ? OCR_LOW : 'OCR'}
              />
            </span>
          </>
        )}
      </div>
      <div className="ew-hit-text">
        {fragments.map((f, i) => (
          <p key={i}>
            {i > 0 && '… '}
            <Highlight fragment={f} />
            {' …'}
          </p>
        ))}
      </div>
      {codeIds.length > 0 && (
        <div className="ew-hit-codes" aria-label="Codes on this passage">
          {codeIds.map((id) => (
            <CodeChip key={id} code={codes.find((c) => c.id === id)} />
          ))}
        </div>
      )}
    </article>
  );
}

export function HitList({
  result,
  state,
  onPage,
}: {
  result: SearchResponse;
  state: SearchState;
  onPage: (page: number, cursor?: string) => void;
}) {
  const totalPages = Math.ceil(result.total / PAGE_SIZE);
  const first = (state.page - 1) * PAGE_SIZE + 1;
  const deep = state.page * PAGE_SIZE >= MAX_DEPTH;
  return (
    <section aria-label="Search results">
      <p className="ew-muted" role="status" data-testid="search-total">
        {result.total === 0
          ? 'No passages match.'
          : `${result.total.toLocaleString('en-GB')} passages · showing ${first}–${first + result.hits.length - 1}`}
        {result.mode !== 'lexical' && (
          <span data-testid="search-mode-used">
            {' '}
            · ranked by {result.mode === 'hybrid' ? 'words and meaning' : 'meaning'}
          </span>
        )}
      </p>
      {result.note && (
        <p className="ew-muted" data-testid="search-note">
          {result.note}
        </p>
      )}
      {result.caveats.length > 0 && (
        // Where this engine may answer otherwise than the query means: said beside the hits.
        <Alert severity="warning" role="status" sx={{ my: 1 }} data-testid="search-caveats">
          {result.caveats.map((caveat) => (
            <Box component="p" key={caveat} sx={{ m: 0 }}>
              {caveat}
            </Box>
          ))}
        </Alert>
      )}
      {result.hits.map((hit, i) => (
        <Hit key={hit.passage.id} hit={hit} rank={first + i} />
      ))}
      {totalPages > 1 && (
        <Box component="nav" aria-label="Result pages" sx={{ display: 'flex', gap: 1, alignItems: 'center', my: 2 }}>
          <Button disabled={state.page <= 1} onClick={() => onPage(state.page - 1)}>
            Previous
          </Button>
          <span>
            Page {state.page} of {totalPages.toLocaleString('en-GB')}
          </span>
          <Button
            disabled={state.page >= totalPages || (deep && !result.next_cursor)}
            onClick={() => onPage(state.page + 1, deep ? (result.next_cursor ?? undefined) : undefined)}
            data-testid="search-next"
          >
            Next
          </Button>
        </Box>
      )}
    </section>
  );
}
