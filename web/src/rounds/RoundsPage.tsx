/** Coding rounds: admins open and close them and follow each coder's progress; a coder
 * sees the rounds they code (in a blind round, only their own progress). */
import { useState } from 'react';
import { Alert, Box, Button, LinearProgress } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { Confirm, Title, useNotify } from 'react-admin';
import { Link } from 'react-router-dom';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import { inProject, useProjectId } from '../api/project';
import type { Round } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { useProjectRole } from '../common/useProjectData';
import { OpenRoundForm } from './OpenRoundForm';
import { useMyId, useRounds } from './useRounds';

function Progress({ round }: { round: Round }) {
  const total = round.document_ids.length;
  if (!round.progress.length) return <span className="ew-muted">no coding yet</span>;
  return (
    <ul className="ew-plainlist" aria-label={`Progress in ${round.name}`}>
      {round.progress.map((p) => (
        <li key={p.coder_id} data-testid="round-progress" data-coder={p.coder_id}>
          <strong>{p.name}</strong>: {p.annotations} annotation{p.annotations === 1 ? '' : 's'}, {p.documents_coded} of{' '}
          {total} document{total === 1 ? '' : 's'} coded
          <LinearProgress
            variant="determinate"
            value={total ? (100 * p.documents_coded) / total : 0}
            aria-label={`${p.name}: documents coded`}
            sx={{ maxWidth: 220, mt: 0.25 }}
          />
        </li>
      ))}
      {round.blinded && <li className="ew-muted">Blind: other coders' progress is hidden until the round closes.</li>}
    </ul>
  );
}

function RoundRow({ round, isAdmin, onClose }: { round: Round; isAdmin: boolean; onClose: (r: Round) => void }) {
  const closed = round.status === 'closed';
  return (
    <tr data-testid="round-row" data-round={round.id}>
      <th scope="row">
        {round.name}
        <div className="ew-muted">
          {round.document_ids.length} document{round.document_ids.length === 1 ? '' : 's'}, {round.coder_ids.length}{' '}
          coders{round.codebook_version != null && <>, codebook v{round.codebook_version}</>}
        </div>
      </th>
      <td>
        <StatusChip status={closed ? 'no_evidence' : 'running'} label={round.status} />{' '}
        {round.blind && <StatusChip status="proposed" label="blind" />}
      </td>
      <td>
        <Progress round={round} />
      </td>
      <td>
        <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
          {isAdmin && !closed && (
            <Button size="small" variant="outlined" data-testid="round-close" onClick={() => onClose(round)}>
              Close
            </Button>
          )}
          {!round.blinded && (
            <Button size="small" component={Link} to={`/rounds/${round.id}/agreement`}>
              Agreement
            </Button>
          )}
          {isAdmin && closed && (
            <Button size="small" component={Link} to={`/rounds/${round.id}/adjudication`}>
              Adjudicate
            </Button>
          )}
        </Box>
      </td>
    </tr>
  );
}

export default function RoundsPage() {
  const pid = useProjectId();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { isAdmin } = useProjectRole();
  const me = useMyId();
  const { data, error, isPending } = useRounds();
  const [opening, setOpening] = useState(false);
  const [closing, setClosing] = useState<Round | null>(null);
  // Admins run every round; anyone else sees the rounds they code.
  const rounds = (data ?? []).filter((r) => isAdmin || (me != null && r.coder_ids.includes(me)));

  const close = async (round: Round) => {
    setClosing(null);
    try {
      await call('post', '/api/projects/{project_id}/rounds/{round_id}/close', {
        path: { ...inProject(pid), round_id: round.id },
      });
      notify(`Round ${round.name} is closed: its codings are frozen and visible to everyone`);
    } catch (err) {
      notify(errorMessage(err), { type: 'error' });
    }
    await queryClient.invalidateQueries({ queryKey: ['rounds'] });
    await queryClient.invalidateQueries({ queryKey: ['annotations'] });
  };

  return (
    <Box sx={{ p: 1, maxWidth: 1200 }}>
      <Title title="Coding rounds" />
      <p className="ew-muted">
        A round gives documents to two or more coders. In a blind round each coder sees only their own codes on its
        documents until an admin closes it; closing freezes the codings for agreement and adjudication.
      </p>
      {isAdmin && !opening && (
        <Button variant="contained" onClick={() => setOpening(true)} data-testid="round-new">
          Open a round
        </Button>
      )}
      {opening && <OpenRoundForm onDone={() => setOpening(false)} />}
      {isPending && <LinearProgress aria-label="Loading rounds" />}
      {error && <Alert severity="error">{error.message}</Alert>}
      {data && !rounds.length && <p className="ew-muted">{isAdmin ? 'No rounds yet.' : 'You code in no round.'}</p>}
      {rounds.length > 0 && (
        <table className="ew-table" aria-label="Coding rounds" style={{ marginTop: 16 }}>
          <thead>
            <tr>
              <th>Round</th>
              <th>Status</th>
              <th>Progress per coder</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rounds.map((r) => (
              <RoundRow key={r.id} round={r} isAdmin={isAdmin} onClose={setClosing} />
            ))}
          </tbody>
        </table>
      )}
      <Confirm
        isOpen={!!closing}
        title={`Close round ${closing?.name ?? ''}?`}
        content="Its codings are frozen (no more edits) and every member sees every coder's codes. This cannot be undone."
        confirm="Close round"
        onConfirm={() => closing && void close(closing)}
        onClose={() => setClosing(null)}
      />
    </Box>
  );
}
