/** An annotation's history, newest first: each version's codes, memo and quote, who and
 * when; its owner can revert to any earlier version (a new version: both stay listed). */
import { useState } from 'react';
import { Alert, Button, CircularProgress, Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import { inProject, useProjectId } from '../api/project';
import type { Annotation, Code } from '../api/types';
import { CodeChip } from '../common/CodeChip';
import { useMembers } from '../common/useProjectData';

interface Props {
  annotation: Annotation | null;
  codes: Code[];
  canRevert: boolean;
  onRevert: (a: Annotation, to: number) => Promise<unknown>;
  onClose: () => void;
}

type State = { memo?: string | null; code_ids?: number[]; exact?: string; deleted?: boolean } & Record<string, unknown>;

function noteOf(state: State): string {
  const parts = [];
  if (typeof state.reverted_to === 'number') parts.push(`reverted to v${state.reverted_to}`);
  if (typeof state.reason === 'string') parts.push(`reason: ${state.reason}`);
  if (Array.isArray(state.evidence_for)) parts.push(`was evidence for CMOC ${state.evidence_for.join(', ')}`);
  return parts.join(' · ');
}

export function HistoryDialog({ annotation: a, codes, canRevert, onRevert, onClose }: Props) {
  const pid = useProjectId();
  const { data: members = [] } = useMembers();
  const [error, setError] = useState<string | null>(null);
  const history = useQuery({
    queryKey: ['annotations', 'history', pid, a?.id, a?.version],
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/annotations/{annotation_id}/history', {
        path: { ...inProject(pid), annotation_id: a?.id ?? 0 },
        signal,
      }),
    enabled: !!a && pid != null,
  });
  if (!a) return null;
  const nameOf = (id: number | null) =>
    id == null ? 'the system' : (members.find((m) => m.user_id === id)?.name ?? `user ${id}`);
  const rows = [...(history.data ?? [])].reverse();
  return (
    <Dialog open onClose={onClose} aria-labelledby="history-title" maxWidth="md" fullWidth data-testid="history-dialog">
      <DialogTitle id="history-title">History of this annotation (now v{a.version})</DialogTitle>
      <DialogContent>
        {history.isLoading && <CircularProgress aria-label="Loading history" />}
        {history.error && <Alert severity="error">{errorMessage(history.error)}</Alert>}
        {error && (
          <Alert severity="error" role="alert">
            {error}
          </Alert>
        )}
        <ol className="ew-plainlist" aria-label="Versions, newest first">
          {rows.map((h) => {
            // The history's state is the annotation's stored fields (backend annotations/service._record).
            const state = h.state as State;
            const current = h.version === a.version;
            return (
              <li key={h.id} className="ew-ann-card" data-testid="history-entry" data-version={h.version}>
                <div className="ew-muted">
                  v{h.version} · {h.action} · {nameOf(h.user_id)} · {new Date(h.at).toLocaleString('en-GB')}
                  {current && ' · current'}
                  {noteOf(state) && <> · {noteOf(state)}</>}
                </div>
                <div>
                  {(state.code_ids ?? []).map((id) => (
                    <CodeChip key={id} code={codes.find((c) => c.id === id)} />
                  ))}
                </div>
                <blockquote className="ew-quote">{state.exact}</blockquote>
                {state.memo && <p className="ew-memo">{state.memo}</p>}
                {canRevert && !current && !state.deleted && (
                  <Button
                    size="small"
                    data-testid="history-revert"
                    onClick={() => {
                      setError(null);
                      onRevert(a, h.version).catch((err: unknown) => setError(errorMessage(err)));
                    }}
                  >
                    Revert to v{h.version}
                  </Button>
                )}
              </li>
            );
          })}
        </ol>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
