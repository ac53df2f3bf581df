/** Corroborating passages the server proposes; accept (links them as evidence) or dismiss. */
import { useState } from 'react';
import { Button, MenuItem, TextField } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNotify } from 'react-admin';
import { Link } from 'react-router-dom';
import { getJson, postJson } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import type { Part, Proposal, Stance } from '../api/types';
import { Highlight } from '../search/Highlight';
import { PARTS, STANCES } from '../cmocs/choices';
import { SOURCE_TYPES } from '../documents/choices';

interface Props {
  from: { cmoc_id?: number; annotation_id?: number; passage_id?: number };
  cmocId?: number; // accepting links to this CMOC
  disabled?: string; // reason accepting is not possible now
  onDecided?: () => void;
}

export function ProposalsPanel({ from, cmocId, disabled, onDecided }: Props) {
  const pid = useProjectId();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [sourceType, setSourceType] = useState('');
  const [part, setPart] = useState<Part>('context');
  const [stance, setStance] = useState<Stance>('supports');
  const key = ['proposals', pid, from, sourceType];
  const { data, error, isFetching } = useQuery({
    queryKey: key,
    queryFn: () => getJson<Proposal[]>(projectPath('/proposals', pid), { ...from, source_type: sourceType || undefined, limit: 10 }),
    retry: false,
  });
  const decide = async (p: Proposal, decision: 'accept' | 'dismiss') => {
    const fromKey = from.cmoc_id ? { from_cmoc_id: from.cmoc_id } : from.annotation_id ? { from_annotation_id: from.annotation_id } : { from_passage_id: from.passage_id };
    try {
      await postJson(projectPath('/proposals/decide', pid), {
        ...fromKey,
        passage_id: p.passage_id,
        decision,
        ...(decision === 'accept' && cmocId ? { cmoc_id: cmocId, part, stance } : {}),
      });
      notify(decision === 'accept' ? 'Accepted: the passage is now evidence' : 'Dismissed');
      queryClient.invalidateQueries({ queryKey: ['proposals'] });
      if (decision === 'accept') {
        queryClient.invalidateQueries({ queryKey: ['cmocs'] });
        queryClient.invalidateQueries({ queryKey: ['triangulation'] });
        onDecided?.();
      }
    } catch (err) {
      notify((err as Error).message, { type: 'error' });
    }
  };
  return (
    <section className="ew-proposals" aria-label="Proposed corroborating passages" data-testid="proposals">
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
        <strong>Corroborating passages</strong>
        <TextField select size="small" label="From" value={sourceType} onChange={(e) => setSourceType(e.target.value)} sx={{ minWidth: 140 }}>
          <MenuItem value="">any source</MenuItem>
          {SOURCE_TYPES.map((s) => <MenuItem key={s.id} value={s.id}>{s.name}</MenuItem>)}
        </TextField>
        {cmocId && (
          <>
            <TextField select size="small" label="Accept as" value={part} onChange={(e) => setPart(e.target.value as Part)} sx={{ minWidth: 120 }}>
              {PARTS.map((p) => <MenuItem key={p.id} value={p.id}>{p.name}</MenuItem>)}
            </TextField>
            <TextField select size="small" label="Stance" value={stance} onChange={(e) => setStance(e.target.value as Stance)} sx={{ minWidth: 110 }}>
              {STANCES.map((s) => <MenuItem key={s.id} value={s.id}>{s.name}</MenuItem>)}
            </TextField>
          </>
        )}
      </div>
      {disabled && <p className="ew-muted">{disabled}</p>}
      {error && <p className="ew-error-text" role="alert">{(error as Error).message}</p>}
      {isFetching && <p className="ew-muted">Looking for passages…</p>}
      <ol className="ew-plainlist">
        {(data ?? []).map((p) => (
          <li key={p.passage_id} className="ew-proposal" data-testid="proposal">
            <div className="ew-muted">
              <Link to={`/read/${p.document_id}?passage=${p.passage_id}`}>{p.title}</Link>
              {p.page != null && `, p. ${p.page}`} {(p.heading ?? p.heading_path?.join(' › ')) && `· ${p.heading ?? p.heading_path?.join(' › ')}`} · {p.source_type}
            </div>
            <p>{p.highlights?.length ? p.highlights.map((h, i) => <Highlight key={i} fragment={h} />) : p.text.slice(0, 400)}</p>
            <Button size="small" variant="outlined" disabled={!!disabled} onClick={() => decide(p, 'accept')} data-testid="proposal-accept">Accept</Button>
            <Button size="small" onClick={() => decide(p, 'dismiss')} data-testid="proposal-dismiss">Dismiss</Button>
          </li>
        ))}
        {data && !data.length && <li className="ew-muted">No proposals left.</li>}
      </ol>
    </section>
  );
}
