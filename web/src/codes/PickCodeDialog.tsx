/** Choose another code: the new parent for a move, or the target of a merge. */
import { errorMessage } from '../api/errors';
import { useState } from 'react';
import {
  Alert,
  Autocomplete,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
} from '@mui/material';
import type { Code } from '../api/types';
import { descendantIds, KIND_LABEL, kindGroups, treeRows } from '../common/codes';

interface Props {
  mode: 'move' | 'merge';
  code: Code;
  codes: Code[];
  onPick: (target: Code | null) => Promise<unknown>;
  onClose: () => void;
}

export function PickCodeDialog({ mode, code, codes, onPick, onClose }: Props) {
  const excluded = mode === 'move' ? descendantIds(codes, code.id) : new Set([code.id]);
  // Grouped by kind, as in the codebook (the groups' order is the options' order).
  const rows = kindGroups(treeRows(codes).filter((r) => !excluded.has(r.code.id))).flatMap((g) => g.rows);
  const [target, setTarget] = useState<Code | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    try {
      await onPick(target);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby="pick-code-title" fullWidth maxWidth="sm">
      <DialogTitle id="pick-code-title">
        {mode === 'move' ? `Move “${code.name}”` : `Merge “${code.name}” into…`}
      </DialogTitle>
      <DialogContent>
        {mode === 'merge' && (
          <p>
            Its {code.usage} annotations get the target code instead; “{code.name}” is then removed (it can be
            restored).
          </p>
        )}
        <Autocomplete
          options={rows}
          getOptionLabel={(r) => r.path}
          groupBy={(r) => KIND_LABEL[r.code.effective_kind]}
          onChange={(_, r) => setTarget(r?.code ?? null)}
          renderInput={(params) => (
            <TextField {...params} autoFocus label={mode === 'move' ? 'New parent (empty: top level)' : 'Merge into'} />
          )}
          sx={{ mt: 1 }}
        />
        {error && (
          <Alert severity="error" role="alert" sx={{ mt: 1 }}>
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" disabled={mode === 'merge' && !target} onClick={() => void submit()}>
          {mode === 'move' ? (target ? 'Move here' : 'Move to top level') : 'Merge'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
