/** Inter-coder agreement: choose coders (and codes); percent agreement, kappa, alpha. */
import { useState } from 'react';
import { Alert, Autocomplete, Box, Button, LinearProgress, TextField } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Title } from 'react-admin';
import { Link } from 'react-router-dom';
import { getJson } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import { CodeChip } from '../common/CodeChip';
import { treeRows } from '../common/codes';
import { useCodes, useMembers } from '../common/useProjectData';

interface Pair {
  coder_a: number;
  coder_b: number;
  percent_agreement: number;
  kappa: number | null;
}
interface Stats {
  n_units: number;
  applied_counts: [number, number][];
  units_any_applied: number;
  units_all_applied: number;
  units_unanimous: number;
  percent_agreement: number;
  pairs: Pair[];
  alpha: number | null;
  percent_agreement_where_used: number | null;
}
interface Report {
  documents: number[];
  coders: number[];
  n_passages: number;
  per_code: { code: number; stats: Stats }[];
  overall: Stats;
}

const fmt = (v: number | null | undefined, pct = false) =>
  v == null ? 'undefined' : pct ? `${(v * 100).toFixed(1)} %` : v.toFixed(3);

/** Krippendorff's rule of thumb: >= .800 reliable, >= .667 tentative. */
function AlphaCell({ value }: { value: number | null }) {
  const cls = value == null ? 'ew-muted' : value >= 0.8 ? 'ew-good' : value >= 0.667 ? 'ew-fair' : 'ew-poor';
  const word = value == null ? '' : value >= 0.8 ? ' reliable' : value >= 0.667 ? ' tentative' : ' low';
  return (
    <td className={cls}>
      {fmt(value)}
      <span className="ew-muted">{word}</span>
    </td>
  );
}

export default function AgreementPage() {
  const pid = useProjectId();
  const { data: members = [] } = useMembers();
  const { data: codes = [] } = useCodes();
  const rows = treeRows(codes);
  const [coders, setCoders] = useState<number[]>([]);
  const [codeIds, setCodeIds] = useState<number[]>([]);
  const [asked, setAsked] = useState<{ coders: number[]; codes: number[] } | null>(null);
  const { data, error, isFetching } = useQuery({
    queryKey: ['agreement', pid, asked],
    queryFn: () =>
      // The agreement route declares no response model yet (backend/agreement/routes.py): Report is its shape.
      getJson<Report>(projectPath('/agreement', pid), { coder_id: asked?.coders, code_id: asked?.codes }),
    enabled: !!asked,
    retry: false,
  });
  const name = (id: number) => members.find((m) => m.user_id === id)?.name ?? `user ${id}`;
  const pairs = data?.overall.pairs ?? [];

  return (
    <Box sx={{ p: 1, maxWidth: 1200 }}>
      <Title title="Agreement" />
      <Box
        component="form"
        sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center' }}
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ coders, codes: codeIds });
        }}
      >
        <Autocomplete
          multiple
          size="small"
          sx={{ minWidth: 320 }}
          options={members.map((m) => m.user_id)}
          getOptionLabel={name}
          value={coders}
          onChange={(_, v) => setCoders(v)}
          renderInput={(p) => <TextField {...p} label="Coders (two or more)" />}
        />
        <Autocomplete
          multiple
          size="small"
          sx={{ minWidth: 320 }}
          options={rows.map((r) => r.code.id)}
          getOptionLabel={(id) => rows.find((r) => r.code.id === id)?.path ?? String(id)}
          value={codeIds}
          onChange={(_, v) => setCodeIds(v)}
          renderInput={(p) => <TextField {...p} label="Codes (default: whole codebook)" />}
        />
        <Button type="submit" variant="contained" disabled={coders.length < 2} data-testid="agreement-run">
          Compare
        </Button>
      </Box>
      <p className="ew-muted">
        Passage level: a coder applied a code to a passage if one of their annotations with it overlaps the passage;
        only documents every chosen coder coded count. Passages where nobody used a code do not count as agreement. For
        agreement on where codes were applied (α for unitizing) and each disagreement, see a round's agreement under{' '}
        <Link to="/rounds">Coding rounds</Link>.
      </p>
      {isFetching && <LinearProgress aria-label="Computing agreement" />}
      {error && <Alert severity="error">{error.message}</Alert>}
      {data && (
        <>
          <p data-testid="agreement-summary">
            {data.documents.length} documents, {data.n_passages} passages. Overall: Krippendorff's α{' '}
            {fmt(data.overall.alpha)}. Percent agreement over the passages where a code was used:{' '}
            {fmt(data.overall.percent_agreement_where_used, true)} (not chance-corrected: not comparable with α).
          </p>
          <table className="ew-table" aria-label="Agreement per code" data-testid="agreement-table">
            <thead>
              <tr>
                <th>Code</th>
                <th>Passages</th>
                {data.coders.map((c) => (
                  <th key={c}>Applied by {name(c)}</th>
                ))}
                <th>Any / all</th>
                <th>% agreement where used (not α)</th>
                {pairs.map((p) => (
                  <th key={`${p.coder_a}-${p.coder_b}`}>
                    κ {name(p.coder_a)}–{name(p.coder_b)}
                  </th>
                ))}
                <th>α</th>
              </tr>
            </thead>
            <tbody>
              {[
                ...data.per_code.map((c) => ({
                  key: c.code,
                  label: <CodeChip code={codes.find((x) => x.id === c.code)} />,
                  s: c.stats,
                })),
                { key: 'overall', label: <strong>All codes pooled</strong>, s: data.overall },
              ].map(({ key, label, s }) => (
                <tr key={key}>
                  <th scope="row">{label}</th>
                  <td>{s.n_units}</td>
                  {data.coders.map((c) => (
                    <td key={c}>{s.applied_counts.find(([k]) => k === c)?.[1] ?? 0}</td>
                  ))}
                  <td>
                    {s.units_any_applied} / {s.units_all_applied}
                  </td>
                  <td>{fmt(s.percent_agreement_where_used, true)}</td>
                  {s.pairs.map((p) => (
                    <td key={`${p.coder_a}-${p.coder_b}`}>{fmt(p.kappa)}</td>
                  ))}
                  <AlphaCell value={s.alpha} />
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Box>
  );
}
