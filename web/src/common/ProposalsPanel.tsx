/** Corroborating passages the server proposes; accept (links them as evidence) or dismiss. */
import { useState } from 'react';
import { Button, MenuItem, TextField } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNotify } from 'react-admin';
import { Link } from 'react-router-dom';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import { inProject, useProjectId } from '../api/project';
import type { ProposalDecisionCreate, Part, Proposal, SourceType, Stance } from '../api/types';
import { choiceOf } from './choices';
import { Highlight } from '../search/Highlight';
import { PARTS, STANCES } from '../cmocs/choices';
import { SOURCE_TYPES } from '../documents/choices';

/** Where proposals start from: one CMOC, excerpt (annotation) or passage. */
export type ProposalOrigin = { cmoc_id: number } | { annotation_id: number } | { passage_id: number };

/** The same origin as the decision body names it ({origin, origin_id}). */
export function originOf(from: ProposalOrigin): Pick<ProposalDecisionCreate, 'origin' | 'origin_id'> {
  if ('cmoc_id' in from) return { origin: 'cmoc', origin_id: from.cmoc_id };
  if ('annotation_id' in from) return { origin: 'annotation', origin_id: from.annotation_id };
  return { origin: 'passage', origin_id: from.passage_id };
}

function originQuery(from: ProposalOrigin): { origin: ProposalDecisionCreate['origin']; origin_id: number } {
  return originOf(from);
}

interface Props {
  from: ProposalOrigin;
  cmocId?: number; // accepting links to this CMOC
  disabled?: string; // reason accepting is not possible now
  onDecided?: () => void;
}

export function ProposalsPanel({ from, cmocId, disabled, onDecided }: Props) {
  const pid = useProjectId();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [sourceType, setSourceType] = useState<SourceType | ''>('');
  const [part, setPart] = useState<Part>('context');
  const [stance, setStance] = useState<Stance>('supports');
  const key = ['proposals', pid, from, sourceType];
  const { data, error, isFetching } = useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/proposals', {
        path: inProject(pid),
        query: { ...originQuery(from), source_type: sourceType ? [sourceType] : undefined, limit: 10 },
        signal,
      }),
    retry: false,
  });
  const decide = async (p: Proposal, decision: 'accept' | 'dismiss') => {
    const body: ProposalDecisionCreate = { ...originOf(from), passage_id: p.passage_id, decision };
    if (decision === 'accept' && cmocId) Object.assign(body, { cmoc_id: cmocId, part, stance });
    try {
      await call('post', '/api/projects/{project_id}/proposals/decide', { path: inProject(pid), body });
      notify(decision === 'accept' ? 'Accepted: the passage is now evidence' : 'Dismissed');
      await queryClient.invalidateQueries({ queryKey: ['proposals'] });
      if (decision === 'accept') {
        await queryClient.invalidateQueries({ queryKey: ['cmocs'] });
        await queryClient.invalidateQueries({ queryKey: ['triangulation'] });
        onDecided?.();
      }
    } catch (err) {
      notify(errorMessage(err), { type: 'error' });
    }
  };
  return (
    <section className="ew-proposals" aria-label="Proposed corroborating passages" data-testid="proposals">
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
        <strong>Corroborating passages</strong>
        <TextField
          select
          size="small"
          label="From"
          value={sourceType}
          onChange={(e) => setSourceType(e.target.value ? choiceOf(SOURCE_TYPES, e.target.value, 'document') : '')}
          sx={{ minWidth: 140 }}
        >
          <MenuItem value="">any source</MenuItem>
          {SOURCE_TYPES.map((s) => (
            <MenuItem key={s.id} value={s.id}>
              {s.name}
            </MenuItem>
          ))}
        </TextField>
        {cmocId && (
          <>
            <TextField
              select
              size="small"
              label="Accept as"
              value={part}
              onChange={(e) => setPart(choiceOf(PARTS, e.target.value, part))}
              sx={{ minWidth: 120 }}
            >
              {PARTS.map((p) => (
                <MenuItem key={p.id} value={p.id}>
                  {p.name}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              select
              size="small"
              label="Stance"
              value={stance}
              onChange={(e) => setStance(choiceOf(STANCES, e.target.value, stance))}
              sx={{ minWidth: 110 }}
            >
              {STANCES.map((s) => (
                <MenuItem key={s.id} value={s.id}>
                  {s.name}
                </MenuItem>
              ))}
            </TextField>
          </>
        )}
      </div>
      {disabled && <p className="ew-muted">{disabled}</p>}
      {error && (
        <p className="ew-error-text" role="alert">
          {errorMessage(error)}
        </p>
      )}
      {isFetching && <p className="ew-muted">Looking for passages…</p>}
      <ol className="ew-plainlist">
        {(data ?? []).map((p) => (
          <li key={p.passage_id} className="ew-proposal" data-testid="proposal">
            <div className="ew-muted">
              <Link to={`/read/${p.document_id}?passage=${p.passage_id}`}>{p.title}</Link>
              {p.page != null && `, p. ${p.page}`} {p.heading_path.length > 0 && `· ${p.heading_path.join(' › ')}`} ·{' '}
              {p.source_type}
            </div>
            <p data-testid="proposal-snippet">
              {p.highlights.length
                ? p.highlights.map((h, i) => (
                    // Fragments are separate windows on the passage: an ellipsis between
                    // them, never glued ("economic" + "care" read as "economiccare").
                    <span key={i}>
                      {i > 0 && ' … '}
                      <Highlight fragment={h} />
                    </span>
                  ))
                : p.text.slice(0, 400)}
            </p>
            <p className="ew-muted" data-testid="proposal-reasons">
              {proposalReasons(p)}
            </p>
            <Button
              size="small"
              variant="outlined"
              disabled={!!disabled}
              onClick={() => void decide(p, 'accept')}
              data-testid="proposal-accept"
            >
              Accept
            </Button>
            <Button size="small" onClick={() => void decide(p, 'dismiss')} data-testid="proposal-dismiss">
              Dismiss
            </Button>
          </li>
        ))}
        {data && !data.length && <li className="ew-muted">No proposals left.</li>}
      </ol>
    </section>
  );
}

/** Why a passage was proposed: its similarity by meaning and the words it shares. */
export function proposalReasons(p: Proposal): string {
  const parts: string[] = [];
  if (p.similarity != null) parts.push(`similar in meaning (${p.similarity.toFixed(2)})`);
  const shared = p.shared_terms;
  parts.push(shared.length ? `shares: ${shared.join(', ')}` : 'no words in common');
  if (p.method === 'lexical') parts.push('word matching only');
  return parts.join(' · ');
}
