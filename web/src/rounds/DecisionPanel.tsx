/** The disagreement in hand: each coder's version (A, B, …), the memo, and the decision
 * buttons, each naming its key. */
import type { RefObject } from 'react';
import { Box, Button, TextField } from '@mui/material';
import { Link } from 'react-router-dom';
import type { Code, QueueItem } from '../api/types';
import { CoderVersions, KIND_LABEL } from './CoderVersions';
import { EditDecision, type Edit } from './EditDecision';

export type Decide = (action: 'take' | 'merge' | 'reject' | 'edit', coderIndex?: number, edit?: Edit) => void;

function Decided({ item, onUndo }: { item: QueueItem; onUndo: () => void }) {
  const d = item.decision;
  if (!d) return null;
  const who = d.coder_id != null ? item.codings.find((c) => c.coder_id === d.coder_id)?.coder : null;
  return (
    <p data-testid="decision" data-action={d.action}>
      Decided: <strong>{d.action === 'take' ? `take ${who ?? 'a coder'}'s version` : d.action}</strong>
      {d.memo && <> — “{d.memo}”</>}{' '}
      <Button size="small" onClick={onUndo}>
        Undo (u)
      </Button>
    </p>
  );
}

export function DecisionPanel(props: {
  item: QueueItem;
  codes: Code[];
  memo: string;
  memoRef: RefObject<HTMLInputElement | null>;
  busy: boolean;
  onMemo: (memo: string) => void;
  onDecide: Decide;
  onUndo: () => void;
  editing: boolean;
  onEditing: (on: boolean) => void;
}) {
  const { item, codes, memo, memoRef, busy, onMemo, onDecide, onUndo, editing, onEditing } = props;
  const open = !item.decision;
  return (
    <section aria-label="Disagreement in hand" data-testid="adjudication-current" data-key={item.key}>
      <p>
        <strong>{KIND_LABEL[item.kind]}</strong>, characters {item.start}–{item.end} ·{' '}
        <Link to={item.reader_url}>Open in the reader</Link>
      </p>
      <blockquote className="ew-quote">{item.text}</blockquote>
      <CoderVersions region={item} codes={codes} letters />
      <Decided item={item} onUndo={onUndo} />
      {open && (
        <>
          <TextField
            size="small"
            fullWidth
            label="Memo (optional, e): why this decision"
            value={memo}
            inputRef={memoRef}
            onChange={(e) => onMemo(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' || e.key === 'Enter') memoRef.current?.blur(); // back to the keys
            }}
            slotProps={{ htmlInput: { maxLength: 10_000, 'data-testid': 'decision-memo' } }}
            sx={{ my: 1 }}
          />
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
            {item.codings.map((c, i) =>
              c.annotations.length ? (
                <Button key={c.coder_id} variant="outlined" disabled={busy} onClick={() => onDecide('take', i)}>
                  Take {c.coder} ({i < 2 ? String.fromCharCode(97 + i) : i + 1})
                </Button>
              ) : null,
            )}
            <Button variant="outlined" disabled={busy} onClick={() => onDecide('merge')}>
              Merge (m)
            </Button>
            <Button variant="outlined" disabled={busy} onClick={() => onEditing(true)}>
              Edit boundaries (d)
            </Button>
            <Button variant="outlined" color="error" disabled={busy} onClick={() => onDecide('reject')}>
              Reject (r)
            </Button>
          </Box>
          {editing && (
            <EditDecision
              item={item}
              codes={codes}
              busy={busy}
              onSave={(edit) => onDecide('edit', undefined, edit)}
              onCancel={() => onEditing(false)}
            />
          )}
        </>
      )}
    </section>
  );
}
