/** Exports: each format a plain download link (the session cookie authenticates GETs). */
import { useState } from 'react';
import { Box, MenuItem, TextField } from '@mui/material';
import { Title, useGetList } from 'react-admin';
import { queryString } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import { treeRows } from '../common/codes';
import { useCodes } from '../common/useProjectData';
import type { Theory } from '../api/types';
import { SOURCE_TYPES } from '../documents/choices';

const FORMATS: { id: string; label: string; description: string; query: Record<string, string> }[] = [
  {
    id: 'csv-evidence',
    label: 'Evidence table (CSV)',
    description: 'One row per excerpt: quote, citation, codes, CMOC, stance.',
    query: { format: 'csv', table: 'evidence' },
  },
  {
    id: 'csv-matrix',
    label: 'Triangulation matrix (CSV)',
    description: 'Rows by columns with counts and statuses.',
    query: { format: 'csv', table: 'matrix' },
  },
  {
    id: 'csv-cmocs',
    label: 'CMOCs (CSV)',
    description: 'Each CMO configuration with its evidence counts.',
    query: { format: 'csv', table: 'cmocs' },
  },
  {
    id: 'csv-theories',
    label: 'Programme theories (CSV)',
    description: 'Statements, status and history.',
    query: { format: 'csv', table: 'theories' },
  },
  {
    id: 'csv-codebook',
    label: 'Codebook (CSV)',
    description: 'Codes with kinds, colours and definitions.',
    query: { format: 'csv', table: 'codebook' },
  },
  { id: 'xlsx', label: 'Workbook (XLSX)', description: 'All tables as sheets.', query: { format: 'xlsx' } },
  {
    id: 'docx',
    label: 'Evidence report (DOCX)',
    description: 'Theories and CMOCs with cited excerpts.',
    query: { format: 'docx' },
  },
  { id: 'json', label: 'Full project (JSON)', description: 'Everything, machine-readable.', query: { format: 'json' } },
  {
    id: 'qdpx',
    label: 'REFI-QDA project (QDPX)',
    description: 'For NVivo, ATLAS.ti, MAXQDA.',
    query: { format: 'qdpx' },
  },
];

export default function ExportsPage() {
  const pid = useProjectId();
  const { data: codes = [] } = useCodes();
  const { data: theories = [] } = useGetList<Theory>('theories', {
    pagination: { page: 1, perPage: 500 },
    sort: { field: 'id', order: 'ASC' },
  });
  const [f, setF] = useState({ theory_id: '', code_id: '', source_type: '', since: '', until: '' });
  const filters = queryString(f).slice(1);
  const href = (q: Record<string, string>) =>
    `${projectPath('/exports', pid)}${queryString(q)}${filters ? `&${filters}` : ''}`;
  const rows = treeRows(codes);

  return (
    <Box sx={{ p: 1, maxWidth: 1000 }}>
      <Title title="Exports" />
      <Box component="fieldset" sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', border: 0, p: 0 }}>
        <legend className="ew-muted">Limit the exports to</legend>
        <TextField
          select
          size="small"
          label="Theory"
          value={f.theory_id}
          onChange={(e) => setF({ ...f, theory_id: e.target.value })}
          sx={{ minWidth: 220 }}
        >
          <MenuItem value="">all theories</MenuItem>
          {theories.map((t) => (
            <MenuItem key={t.id} value={String(t.id)}>
              {t.statement.slice(0, 80)}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          label="Code"
          value={f.code_id}
          onChange={(e) => setF({ ...f, code_id: e.target.value })}
          sx={{ minWidth: 200 }}
        >
          <MenuItem value="">all codes</MenuItem>
          {rows.map((r) => (
            <MenuItem key={r.code.id} value={String(r.code.id)}>
              {r.path}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          label="Source type"
          value={f.source_type}
          onChange={(e) => setF({ ...f, source_type: e.target.value })}
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
          value={f.since}
          onChange={(e) => setF({ ...f, since: e.target.value })}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField
          type="date"
          size="small"
          label="Until"
          value={f.until}
          onChange={(e) => setF({ ...f, until: e.target.value })}
          slotProps={{ inputLabel: { shrink: true } }}
        />
      </Box>
      <table className="ew-table" aria-label="Export formats">
        <tbody>
          {FORMATS.map((x) => (
            <tr key={x.id}>
              <th scope="row">
                <a href={href(x.query)} download data-testid={`export-link-${x.id}`}>
                  {x.label}
                </a>
              </th>
              <td className="ew-muted">{x.description}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">
              <a href={projectPath('/annotations/export.jsonld', pid)} download data-testid="export-link-w3c">
                Annotations (W3C Web Annotation JSON-LD)
              </a>
            </th>
            <td className="ew-muted">Every live annotation with position and quote selectors.</td>
          </tr>
          <tr>
            <th scope="row">
              <a href={projectPath('/codes/export?format=qdc', pid)} download data-testid="export-link-codebook-qdc">
                Codebook (REFI-QDA .qdc)
              </a>
            </th>
            <td className="ew-muted">The code tree for other QDA tools.</td>
          </tr>
        </tbody>
      </table>
      <p className="ew-muted">Downloads use your session; a refused export opens a page with the server's message.</p>
    </Box>
  );
}
