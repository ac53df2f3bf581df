/** Someone else changed the annotation first: show theirs and yours, let the user choose. */
import { errorMessage } from '../api/errors';
import { useState } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import type { Code } from '../api/types';
import { CodeChip } from '../common/CodeChip';
import type { Conflict } from './useAnnotationActions';

function Side({
  title,
  codeIds,
  memo,
  codes,
  note,
}: {
  title: string;
  codeIds: number[];
  memo: string | null;
  codes: Code[];
  note?: string;
}) {
  return (
    <section className="ew-conflict-side" aria-label={title}>
      <h3>{title}</h3>
      {note && <p className="ew-muted">{note}</p>}
      <div>
        {codeIds.length ? (
          codeIds.map((id) => <CodeChip key={id} code={codes.find((c) => c.id === id)} />)
        ) : (
          <em>no codes</em>
        )}
      </div>
      <p style={{ whiteSpace: 'pre-wrap' }}>{memo || <em>no memo</em>}</p>
    </section>
  );
}

export function ConflictDialog({
  conflict,
  codes,
  onKeepTheirs,
  onApplyMine,
}: {
  conflict: Conflict | null;
  codes: Code[];
  onKeepTheirs: () => void;
  onApplyMine: () => Promise<unknown>;
}) {
  const [error, setError] = useState<string | null>(null);
  if (!conflict) return null;
  const { theirs, mine, intent } = conflict;
  const deleted = !!theirs.deleted_at;
  const applyLabel =
    intent === 'delete' ? 'Delete it anyway' : deleted ? 'Restore it with mine' : 'Apply mine over theirs';
  return (
    <Dialog
      open
      onClose={onKeepTheirs}
      aria-labelledby="conflict-title"
      maxWidth="md"
      fullWidth
      data-testid="conflict-dialog"
    >
      <DialogTitle id="conflict-title">Someone else changed this annotation</DialogTitle>
      <DialogContent>
        <p>
          {theirs.author_name ? `It now stands as version ${theirs.version}` : 'It has changed'} (updated{' '}
          {new Date(theirs.updated_at).toLocaleString('en-GB')}). Nothing of yours was saved yet.
        </p>
        {deleted && (
          <Alert severity="warning">
            They deleted it. “Restore it with mine” brings it back with your codes and memo.
          </Alert>
        )}
        {intent === 'delete' && (
          <Alert severity="warning">
            You deleted it after they changed it. “Keep theirs” keeps their version; “Delete it anyway” deletes it.
          </Alert>
        )}
        <div className="ew-conflict">
          <Side title="Theirs (saved)" codeIds={theirs.code_ids} memo={theirs.memo} codes={codes} />
          <Side
            title={intent === 'delete' ? 'Yours (deleted, as you last saw it)' : 'Yours (not saved)'}
            codeIds={mine.code_ids}
            memo={mine.memo}
            codes={codes}
          />
        </div>
        {error && (
          <Alert severity="error" role="alert">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onKeepTheirs} data-testid="conflict-keep-theirs">
          Keep theirs
        </Button>
        <Button
          variant="contained"
          data-testid="conflict-apply-mine"
          onClick={() => void onApplyMine().catch((err) => setError(errorMessage(err)))}
        >
          {applyLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
