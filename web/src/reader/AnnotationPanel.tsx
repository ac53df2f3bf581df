/** Side panel: filter by coder and code, list annotations in order, review orphans, outline. */
import { useMemo, useState } from 'react';
import { Autocomplete, Button, Tab, Tabs, TextField } from '@mui/material';
import type { Annotation, Code } from '../api/types';
import { CodeChip } from '../common/CodeChip';
import { treeRows } from '../common/codes';
import type { Block } from './blocks';

export interface Filters {
  coders: number[]; // empty: all
  codes: number[]; // empty: all (with sub-codes)
}

interface Props {
  annotations: Annotation[]; // already filtered
  all: Annotation[];
  orphaned: Annotation[];
  codes: Code[];
  blocks: Block[];
  filters: Filters;
  onFilters: (f: Filters) => void;
  onGo: (a: Annotation) => void;
  onGoOffset: (offset: number) => void;
  onPlaceOrphan: (a: Annotation) => void;
  onDeleteOrphan: (a: Annotation) => void;
  canCode: boolean;
}

const SHOW = 200;

export function AnnotationPanel(p: Props) {
  const [tab, setTab] = useState(0);
  const [limit, setLimit] = useState(SHOW);
  const rows = useMemo(() => treeRows(p.codes), [p.codes]);
  const coders = useMemo(() => {
    const m = new Map<number, { name: string; n: number }>();
    for (const a of p.all) m.set(a.author_id, { name: a.author_name, n: (m.get(a.author_id)?.n ?? 0) + 1 });
    return [...m.entries()].sort((a, b) => a[1].name.localeCompare(b[1].name));
  }, [p.all]);
  const outline = useMemo(() => p.blocks.filter((b) => b.newHeading || b.newPage), [p.blocks]);

  return (
    <aside className="ew-panel" aria-label="Annotations and navigation">
      <Tabs value={tab} onChange={(_, v: number) => setTab(v)} variant="fullWidth" aria-label="Panel">
        <Tab label={`Coding (${p.annotations.length})`} />
        <Tab label={`Orphaned (${p.orphaned.length})`} data-testid="orphaned-tab" />
        <Tab label="Outline" />
      </Tabs>
      {tab === 0 && (
        <div className="ew-panel-body">
          <fieldset className="ew-facet">
            <legend>Coders</legend>
            {coders.map(([id, c]) => (
              <label key={id} className="ew-facet-row">
                <input
                  type="checkbox"
                  checked={!p.filters.coders.length || p.filters.coders.includes(id)}
                  onChange={() => {
                    const current = p.filters.coders.length ? p.filters.coders : coders.map(([x]) => x);
                    const next = current.includes(id) ? current.filter((x) => x !== id) : [...current, id];
                    p.onFilters({ ...p.filters, coders: next.length === coders.length ? [] : next });
                  }}
                  data-testid="coder-filter"
                />
                <span className="ew-facet-label">{c.name}</span>
                <span className="ew-facet-count">{c.n}</span>
              </label>
            ))}
            {!coders.length && <span className="ew-muted">No coding yet.</span>}
          </fieldset>
          <Autocomplete
            fullWidth
            multiple
            size="small"
            options={rows.map((r) => r.code.id)}
            getOptionLabel={(id) => rows.find((r) => r.code.id === id)?.path ?? String(id)}
            value={p.filters.codes}
            onChange={(_, v) => p.onFilters({ ...p.filters, codes: v })}
            renderInput={(params) => <TextField {...params} label="Show only codes" />}
            sx={{ my: 1 }}
          />
          <ol className="ew-ann-list" aria-label="Annotations in document order">
            {p.annotations.slice(0, limit).map((a) => (
              <li key={a.id}>
                <button
                  type="button"
                  className="ew-ann-item"
                  onClick={() => p.onGo(a)}
                  data-testid="annotation-list-item"
                >
                  <span className="ew-muted">
                    p. {a.page ?? '–'} · {a.author_name}
                  </span>
                  <span>
                    {a.code_ids.map((id) => (
                      <CodeChip key={id} code={p.codes.find((c) => c.id === id)} />
                    ))}
                  </span>
                  <span className="ew-ann-quote">{a.exact.slice(0, 140)}</span>
                </button>
              </li>
            ))}
          </ol>
          {p.annotations.length > limit && <Button onClick={() => setLimit(limit + SHOW)}>Show more</Button>}
        </div>
      )}
      {tab === 1 && (
        <div className="ew-panel-body" data-testid="orphaned-list">
          <p className="ew-muted">
            These annotations could not be placed in the current version. Press “Place on new text…”, then select where
            it belongs now; or delete them.
          </p>
          {p.orphaned.map((a) => (
            <section key={a.id} className="ew-ann-card" aria-label="Orphaned annotation">
              <div>
                {a.code_ids.map((id) => (
                  <CodeChip key={id} code={p.codes.find((c) => c.id === id)} />
                ))}
              </div>
              <blockquote className="ew-quote">{a.exact}</blockquote>
              {a.memo && <p className="ew-memo">{a.memo}</p>}
              <div className="ew-muted">
                {a.author_name} · {new Date(a.updated_at).toLocaleDateString('en-GB')}
              </div>
              {p.canCode && (
                <>
                  <Button size="small" onClick={() => p.onPlaceOrphan(a)} data-testid="orphan-place">
                    Place on new text…
                  </Button>
                  <Button size="small" color="error" onClick={() => p.onDeleteOrphan(a)}>
                    Delete
                  </Button>
                </>
              )}
            </section>
          ))}
          {!p.orphaned.length && <p>None: every annotation is placed.</p>}
        </div>
      )}
      {tab === 2 && (
        <nav className="ew-panel-body" aria-label="Outline">
          <ol className="ew-plainlist">
            {outline.map((b) => (
              <li key={b.index}>
                <button type="button" className="ew-linkbutton" onClick={() => p.onGoOffset(b.start)}>
                  {b.newPage && <span className="ew-muted">p. {b.page} </span>}
                  {b.newHeading ? b.headingPath[b.headingPath.length - 1] : ''}
                </button>
              </li>
            ))}
          </ol>
        </nav>
      )}
    </aside>
  );
}
