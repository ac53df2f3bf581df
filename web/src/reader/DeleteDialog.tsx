/**
 * What a delete needs before it goes through: an admin deleting another coder's
 * annotation gives a reason (kept in its history and the audit log), and deleting the
 * evidence of CMO configurations is confirmed with those configurations named.
 */
import { useState } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material';
import { Link } from 'react-router-dom';
import type { Annotation } from '../api/types';

export interface PendingDelete {
  a: Annotation;
  needsReason: boolean;
  reason?: string;
  configurations: { id: number; title: string }[]; // empty until the API names them
}

interface Props {
  pending: PendingDelete | null;
  onConfirm: (reason: string | undefined, confirm: number[]) => Promise<unknown>;
  onCancel: () => void;
}

export function DeleteDialog({ pending, onConfirm, onCancel }: Props) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  if (!pending) return null;
  const { a, needsReason, configurations } = pending;
  const text = reason || pending.reason || '';
  const blocked = needsReason && !text.trim();
  const close = () => {
    setReason('');
    onCancel();
  };
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm(
        needsReason ? text.trim() : undefined,
        configurations.map((c) => c.id),
      );
      setReason('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={close} aria-labelledby="delete-title" maxWidth="sm" fullWidth data-testid="delete-dialog">
      <DialogTitle id="delete-title">Delete this annotation?</DialogTitle>
      <DialogContent>
        <blockquote className="ew-quote">{a.exact.length > 200 ? `${a.exact.slice(0, 200)}…` : a.exact}</blockquote>
        {needsReason && (
          <>
            <p>
              It is {a.author_name}’s coding. Say why you delete it: the reason is kept in its history and the audit
              log.
            </p>
            <TextField
              autoFocus
              fullWidth
              required
              label="Reason"
              value={text}
              onChange={(e) => setReason(e.target.value)}
              slotProps={{ htmlInput: { 'data-testid': 'delete-reason', maxLength: 2000 } }}
            />
          </>
        )}
        {configurations.length > 0 && (
          <Alert severity="warning" sx={{ mt: 1 }} data-testid="delete-evidence">
            It is evidence for{' '}
            {configurations.length === 1 ? 'this CMO configuration' : `these ${configurations.length} configurations`}:
            <ul>
              {configurations.map((c) => (
                <li key={c.id}>
                  <Link to={`/cmocs/${c.id}`}>
                    CMOC #{c.id} {c.title || '(untitled)'}
                  </Link>
                </li>
              ))}
            </ul>
            Deleting it removes it from {configurations.length === 1 ? 'that configuration' : 'them'} (Undo puts it
            back).
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>Cancel</Button>
        <Button
          color="error"
          variant="contained"
          disabled={blocked || busy}
          onClick={() => void confirm()}
          data-testid="delete-confirm"
        >
          {configurations.length ? 'Delete, and remove it from them' : 'Delete'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
