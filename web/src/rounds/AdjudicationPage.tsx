/** Adjudication of a closed round, from the keyboard: walk the disagreements (j/k or the
 * arrows), decide each (a/b or 1-9 take a coder's version, m merges, d edits the boundaries,
 * r rejects, e writes a memo first, u undoes), and watch the consensus grow. Decisions go to the adjudication API. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Box, Button, LinearProgress } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Title, useNotify } from 'react-admin';
import { Link, useParams } from 'react-router-dom';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import { inProject, useProjectId } from '../api/project';
import type { AdjudicationQueue, QueueItem, Round } from '../api/types';
import { useCodes, useProjectRole } from '../common/useProjectData';
import { ConsensusPanel } from './ConsensusPanel';
import { KIND_LABEL } from './CoderVersions';
import { DecisionPanel, type Decide } from './DecisionPanel';
import { isCommandEvent, keyAction, moved, nextOpen } from './keys';
import { useRound } from './useRounds';

const KEYS_HELP =
  'Keys: j/k or arrows move · a/b (or 1-9) take that coder’s version · m merge · d edit boundaries · r reject · e memo · u undo · n next undecided';

const SAID = { merge: 'Merged', edit: 'Your version is in the consensus', reject: 'Rejected' };

function useQueue(roundId: number) {
  const pid = useProjectId();
  return useQuery({
    queryKey: ['rounds', 'adjudication', pid, roundId],
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/rounds/{round_id}/adjudication', {
        path: { ...inProject(pid), round_id: roundId },
        signal,
      }),
    enabled: pid != null && roundId > 0,
    retry: false,
  });
}

function QueueList({ items, index, onPick }: { items: QueueItem[]; index: number; onPick: (i: number) => void }) {
  return (
    <ol className="ew-queue" aria-label="Disagreements to decide">
      {items.map((it, i) => (
        <li key={it.key} aria-current={i === index ? 'true' : undefined} data-testid="queue-item">
          <button type="button" className="ew-linkbutton" onClick={() => onPick(i)}>
            {it.decision ? '✓' : '•'} {KIND_LABEL[it.kind]}: {it.text.slice(0, 60)}
          </button>
          {it.decision && <span className="ew-muted"> ({it.decision.action})</span>}
        </li>
      ))}
    </ol>
  );
}

/** Decide, undo and the memo for the item in hand, through the adjudication API. */
function useDecisions(round: Round, item: QueueItem | undefined, after: () => void) {
  const pid = useProjectId();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [memo, setMemo] = useState('');
  const [busy, setBusy] = useState(false);
  const path = { ...inProject(pid), round_id: round.id };
  const run = async (work: () => Promise<unknown>, message: string, advance: boolean) => {
    setBusy(true);
    try {
      await work();
      notify(message);
      setMemo('');
      if (advance) after();
    } catch (err) {
      notify(errorMessage(err), { type: 'error' });
    } finally {
      setBusy(false);
      await queryClient.invalidateQueries({ queryKey: ['rounds', 'adjudication', pid, round.id] });
    }
  };
  const decide: Decide = (action, coderIndex, edit) => {
    if (!item || busy) return;
    if (item.decision) return notify('Already decided: press u to undo it first', { type: 'warning' });
    const coder = coderIndex != null ? item.codings[coderIndex] : undefined;
    if (action === 'take' && !coder?.annotations.length) return notify('That coder coded nothing here');
    const body = { key: item.key, action, coder_id: coder?.coder_id ?? null, memo: memo.trim() || null, ...edit };
    const said = action === 'take' ? `Took ${coder?.coder ?? ''}'s version` : SAID[action];
    void run(
      () => call('post', '/api/projects/{project_id}/rounds/{round_id}/adjudication/decisions', { path, body }),
      said,
      true,
    );
  };
  const undo = () => {
    const d = item?.decision;
    if (!d || busy) return;
    void run(
      () =>
        call('delete', '/api/projects/{project_id}/rounds/{round_id}/adjudication/decisions/{decision_id}', {
          path: { ...path, decision_id: d.id },
        }),
      'Decision undone',
      false,
    );
  };
  return { memo, setMemo, busy, decide, undo };
}

function Workbench({ round, queue, canDecide }: { round: Round; queue: AdjudicationQueue; canDecide: boolean }) {
  const { data: codes = [] } = useCodes();
  const items = queue.items;
  const [index, setIndex] = useState(0);
  const at = Math.min(index, Math.max(items.length - 1, 0));
  const item = items.at(at); // undefined when there is nothing to decide
  const memoRef = useRef<HTMLInputElement | null>(null);
  const advance = useCallback(() => setIndex((i) => moved(i, 1, items.length)), [items.length]);
  // The item whose edit form is open: moving on closes it.
  const [editingKey, setEditingKey] = useState<string | null>(null);
  const { memo, setMemo, busy, decide, undo } = useDecisions(round, item, advance);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isCommandEvent(e) || !item) return;
      const decision = ['take', 'merge', 'edit', 'reject', 'undo', 'memo'];
      const action = keyAction(e.key, item.codings.length);
      if (!action || (!canDecide && decision.includes(action.type))) return;
      e.preventDefault();
      if (action.type === 'move') setIndex(moved(at, action.by, items.length));
      else if (action.type === 'next-open')
        setIndex(
          nextOpen(
            items.map((x) => !!x.decision),
            at,
          ),
        );
      else if (action.type === 'take') decide('take', action.coder);
      else if (action.type === 'undo') undo();
      else if (action.type === 'memo') memoRef.current?.focus();
      else if (action.type === 'edit') setEditingKey(item.decision ? null : item.key);
      else decide(action.type);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [item, at, items, decide, undo, canDecide]);

  const decided = items.filter((x) => x.decision).length;
  const stamp = decided + items.reduce((n, x) => n + (x.decision?.id ?? 0), 0);
  return (
    <>
      <p data-testid="adjudication-progress">
        {queue.agreements} agreement{queue.agreements === 1 ? '' : 's'} taken over; {decided} of {items.length}{' '}
        disagreement{items.length === 1 ? '' : 's'} decided.
      </p>
      <p className="ew-muted ew-keys">{KEYS_HELP}</p>
      <Box sx={{ display: 'grid', gridTemplateColumns: '260px minmax(0, 1fr) 300px', gap: 2 }}>
        <QueueList items={items} index={at} onPick={setIndex} />
        {item ? (
          <DecisionPanel
            item={item}
            codes={codes}
            memo={memo}
            memoRef={memoRef}
            busy={busy || !canDecide}
            onMemo={setMemo}
            onDecide={decide}
            onUndo={undo}
            editing={editingKey === item.key}
            onEditing={(on) => setEditingKey(on ? item.key : null)}
          />
        ) : (
          <p className="ew-muted">The coders agreed everywhere: nothing to decide.</p>
        )}
        <ConsensusPanel round={round} codes={codes} stamp={stamp} />
      </Box>
    </>
  );
}

function Start({ round }: { round: Round }) {
  const pid = useProjectId();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const start = async () => {
    try {
      const queue = await call('post', '/api/projects/{project_id}/rounds/{round_id}/adjudication', {
        path: { ...inProject(pid), round_id: round.id },
      });
      queryClient.setQueryData(['rounds', 'adjudication', pid, round.id], queue);
      notify(`${queue.agreements} agreements taken into the consensus`);
    } catch (err) {
      notify(errorMessage(err), { type: 'error' });
    }
  };
  return (
    <Button variant="contained" data-testid="adjudication-start" onClick={() => void start()}>
      Start adjudication (agreements go into the consensus as they are)
    </Button>
  );
}

export default function AdjudicationPage() {
  const roundId = Number(useParams().roundId);
  const { isAdmin } = useProjectRole();
  const round = useRound(roundId);
  const queue = useQueue(roundId);
  const r = round.data;
  return (
    <Box sx={{ p: 1 }}>
      <Title title={`Adjudication: ${r?.name ?? 'round'}`} />
      <p>
        <Link to="/rounds">Coding rounds</Link> › {r?.name} · <Link to={`/rounds/${roundId}/agreement`}>Agreement</Link>
      </p>
      {(round.isPending || queue.isPending) && <LinearProgress aria-label="Loading the disagreements" />}
      {round.error && <Alert severity="error">{round.error.message}</Alert>}
      {r?.status === 'open' && <Alert severity="info">Close the round first: its codings must stop changing.</Alert>}
      {r && r.status === 'closed' && queue.error && <Alert severity="error">{queue.error.message}</Alert>}
      {!isAdmin && <Alert severity="info">Only project admins decide; you can follow the adjudication here.</Alert>}
      {r && queue.data && !queue.data.started && isAdmin && <Start round={r} />}
      {r && queue.data?.started && <Workbench round={r} queue={queue.data} canDecide={isAdmin} />}
    </Box>
  );
}
