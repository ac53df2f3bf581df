/** Triangulation: theories, CMOCs or codes against sources, as a heat map with row statuses. */
import { useState } from 'react';
import { Alert, Box, LinearProgress, MenuItem, TextField } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Title } from 'react-admin';
import { useSearchParams } from 'react-router-dom';
import { getJson } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import { StatusChip } from '../common/StatusChip';
import { SOURCE_TYPES } from '../documents/choices';
import { ExcerptsDrawer, type CellRef } from './ExcerptsDrawer';
import { cellLabel, heat, maxSources, type Matrix } from './heat';

const ROWS = [
  { id: 'theory', name: 'Programme theories' },
  { id: 'cmoc', name: 'CMOCs' },
  { id: 'code', name: 'Codes' },
];
const COLUMNS = [
  { id: 'source_type', name: 'Source type' },
  { id: 'organisation', name: 'Organisation' },
  { id: 'document_type', name: 'Document type' },
];

export default function MatrixPage() {
  const pid = useProjectId();
  const [params, setParams] = useSearchParams();
  const rows = params.get('rows') ?? 'theory';
  const columns = params.get('columns') ?? 'source_type';
  const [filters, setFilters] = useState({ source_type: '', since: '', until: '' });
  const [cell, setCell] = useState<CellRef | null>(null);
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    p.set(k, v);
    setParams(p);
  };
  const { data, error, isFetching } = useQuery({
    queryKey: ['triangulation', pid, rows, columns, filters],
    // The matrix route declares no response model (backend/triangulation/routes.py): Matrix is its shape.
    queryFn: () => getJson<Matrix>(projectPath('/triangulation', pid), { rows, columns, ...filters }),
    retry: false,
  });
  const max = data ? maxSources(data) : 0;

  return (
    <Box sx={{ p: 1 }}>
      <Title title="Triangulation" />
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mb: 1 }}>
        <TextField
          select
          size="small"
          label="Rows"
          value={rows}
          onChange={(e) => set('rows', e.target.value)}
          sx={{ minWidth: 170 }}
        >
          {ROWS.map((r) => (
            <MenuItem key={r.id} value={r.id}>
              {r.name}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          label="Columns"
          value={columns}
          onChange={(e) => set('columns', e.target.value)}
          sx={{ minWidth: 160 }}
        >
          {COLUMNS.map((c) => (
            <MenuItem key={c.id} value={c.id}>
              {c.name}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          label="Source type"
          value={filters.source_type}
          onChange={(e) => setFilters({ ...filters, source_type: e.target.value })}
          sx={{ minWidth: 140 }}
        >
          <MenuItem value="">all</MenuItem>
          {SOURCE_TYPES.map((s) => (
            <MenuItem key={s.id} value={s.id}>
              {s.name}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          type="date"
          size="small"
          label="Since"
          value={filters.since}
          onChange={(e) => setFilters({ ...filters, since: e.target.value })}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField
          type="date"
          size="small"
          label="Until"
          value={filters.until}
          onChange={(e) => setFilters({ ...filters, until: e.target.value })}
          slotProps={{ inputLabel: { shrink: true } }}
        />
      </Box>
      {isFetching && <LinearProgress aria-label="Loading matrix" />}
      {error && <Alert severity="error">{error.message}</Alert>}
      {data && (
        <div className="ew-matrix-wrap">
          <table className="ew-matrix" data-testid="matrix" aria-label="Triangulation matrix">
            <caption className="ew-muted">
              Each cell: sources · excerpts (darker: more independent sources). Click a cell for its excerpts.
            </caption>
            <thead>
              <tr>
                <th scope="col">{ROWS.find((r) => r.id === data.rows_kind)?.name ?? 'Row'}</th>
                <th scope="col">Status</th>
                {data.columns.map((c) => (
                  <th key={c.key} scope="col">
                    {c.label}
                  </th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r) => (
                <tr key={r.id} data-testid="matrix-row">
                  <th scope="row" className="ew-matrix-label">
                    {r.label}
                  </th>
                  <td>
                    <StatusChip status={r.status} />
                  </td>
                  {data.columns.map((c) => {
                    const t = r.cells?.[c.key];
                    const look = heat(t?.sources ?? 0, max);
                    return (
                      <td key={c.key} className="ew-matrix-cell" style={look}>
                        <button
                          type="button"
                          data-testid="matrix-cell"
                          disabled={!t?.excerpts}
                          onClick={() =>
                            setCell({
                              rows: data.rows_kind,
                              rowId: r.id,
                              rowLabel: r.label,
                              column: c.key,
                              columnLabel: c.label,
                            })
                          }
                          style={{ color: look.color }}
                        >
                          <span aria-hidden="true">
                            {t?.excerpts ? (
                              <>
                                {t.sources} · {t.excerpts}
                                {t.refutes?.excerpts ? (
                                  <span className="ew-refutes" title="refuting excerpts">
                                    {' '}
                                    ✕{t.refutes.excerpts}
                                  </span>
                                ) : null}
                              </>
                            ) : (
                              '–'
                            )}
                          </span>
                          <span className="ew-sr-only">{cellLabel(r, c, t)}</span>
                        </button>
                      </td>
                    );
                  })}
                  <td className="ew-matrix-total">{r.total ? `${r.total.sources} · ${r.total.excerpts}` : ''}</td>
                </tr>
              ))}
              {!data.rows.length && (
                <tr>
                  <td colSpan={data.columns.length + 3} className="ew-muted">
                    Nothing to show yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <ExcerptsDrawer cell={cell} onClose={() => setCell(null)} />
    </Box>
  );
}
