/** A matrix cell's excerpts, with citations, stance filter, links to the reader, proposals. */
import { useState } from 'react';
import { Drawer, IconButton, Tab, Tabs } from '@mui/material';
import CloseIcon from '@mui/icons-material/Close';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { getJson } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import { ProposalsPanel } from '../common/ProposalsPanel';
import { StatusChip } from '../common/StatusChip';

interface Excerpt {
  annotation_id: number;
  cmoc_id?: number | null;
  stance?: string | null;
  part?: string | null;
  quote: string;
  // The contract nests the citation; the server may also give it flat plus a citation string.
  citation: Citation | string;
  document_id?: number;
  title?: string;
  organisation?: string | null;
  date?: string | null;
  page?: number | null;
  speaker?: string | null;
  coder?: string | null;
}

interface Citation {
  document_id: number;
  title: string;
  organisation?: string | null;
  date?: string | null;
  page?: number | null;
}

function citationOf(x: Excerpt): Citation & { text?: string } {
  if (x.citation && typeof x.citation === 'object') return x.citation;
  return {
    document_id: x.document_id ?? 0,
    title: x.title ?? '',
    organisation: x.organisation,
    date: x.date,
    page: x.page,
    text: x.citation || undefined,
  };
}

export interface CellRef {
  rows: string;
  rowId: number | string;
  rowLabel: string;
  column: string;
  columnLabel: string;
}

const STANCE_STATUS: Record<string, string> = { supports: 'supported', refutes: 'refuted', refines: 'refined' };

export function ExcerptsDrawer({ cell, onClose }: { cell: CellRef | null; onClose: () => void }) {
  const pid = useProjectId();
  const [stance, setStance] = useState('');
  const { data, error, isFetching } = useQuery({
    queryKey: ['triangulation', 'excerpts', pid, cell, stance],
    queryFn: () =>
      // The excerpts route declares no response model (backend/triangulation/routes.py): Excerpt is its shape.
      getJson<Excerpt[]>(projectPath('/triangulation/excerpts', pid), {
        rows: cell?.rows,
        row_id: cell?.rowId,
        column: cell?.column,
        stance: stance || undefined,
      }),
    enabled: !!cell,
  });
  return (
    <Drawer
      anchor="right"
      open={!!cell}
      onClose={onClose}
      slotProps={{ paper: { sx: { width: 560, maxWidth: '100vw' }, role: 'dialog', 'aria-label': 'Excerpts' } }}
    >
      {cell && (
        <div className="ew-drawer" data-testid="excerpts-drawer">
          <div className="ew-section-head">
            <h2>
              {cell.rowLabel} <span className="ew-muted">× {cell.columnLabel}</span>
            </h2>
            <IconButton aria-label="Close" onClick={onClose}>
              <CloseIcon />
            </IconButton>
          </div>
          <Tabs value={stance} onChange={(_, v: string) => setStance(v)} aria-label="Stance">
            <Tab value="" label="All" />
            <Tab value="supports" label="Supports" />
            <Tab value="refutes" label="Refutes" />
            <Tab value="refines" label="Refines" />
          </Tabs>
          {error && (
            <p className="ew-error-text" role="alert">
              {error.message}
            </p>
          )}
          {isFetching && <p className="ew-muted">Loading…</p>}
          <ol className="ew-plainlist">
            {(data ?? []).map((x, i) => {
              const c = citationOf(x);
              return (
                <li key={`${x.annotation_id}-${i}`} className="ew-excerpt" data-testid="excerpt">
                  <blockquote className="ew-quote">{x.quote}</blockquote>
                  <div className="ew-muted">
                    <Link to={`/read/${c.document_id}?annotation=${x.annotation_id}`} title={c.text}>
                      {c.title}
                    </Link>
                    {c.organisation && `, ${c.organisation}`}
                    {c.date && `, ${c.date}`}
                    {c.page != null && `, p. ${c.page}`}
                    {x.speaker && ` · ${x.speaker}`}
                    {x.coder && ` · coded by ${x.coder}`}
                    {x.part && ` · ${x.part}`}{' '}
                    {x.stance && <StatusChip status={STANCE_STATUS[x.stance] ?? x.stance} label={x.stance} />}
                    {x.cmoc_id && (
                      <>
                        {' '}
                        · <Link to={`/cmocs/${x.cmoc_id}`}>CMOC #{x.cmoc_id}</Link>
                      </>
                    )}
                  </div>
                </li>
              );
            })}
            {data && !data.length && <li className="ew-muted">No excerpts.</li>}
          </ol>
          {cell.rows === 'cmoc' && (
            <ProposalsPanel from={{ cmoc_id: Number(cell.rowId) }} cmocId={Number(cell.rowId)} />
          )}
        </div>
      )}
    </Drawer>
  );
}
