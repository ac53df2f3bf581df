/** Create or edit a code: name, kind, colour, parent, definition, memo. Errors keep input. */
import { errorMessage } from '../api/errors';
import { useState } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, MenuItem, TextField } from '@mui/material';
import type { Code, CodeCreate, CodeKind } from '../api/types';
import { choiceOf } from '../common/choices';
import { descendantIds, KIND_COLOUR, KIND_LABEL, KINDS, treeRows } from '../common/codes';

interface Props {
  open: boolean;
  code?: Code; // editing
  parentId?: number | null; // creating under
  codes: Code[];
  onSave: (body: CodeCreate) => Promise<unknown>;
  onClose: () => void;
}

export function CodeDialog({ open, code, parentId, codes, onSave, onClose }: Props) {
  const [name, setName] = useState(code?.name ?? '');
  // '' = not set: the code follows its parent's kind (other at the top level)
  const [kind, setKind] = useState<CodeKind | ''>(code ? (code.kind ?? '') : '');
  const [colour, setColour] = useState(code?.colour ?? '');
  const [parent, setParent] = useState<number | ''>(code?.parent_id ?? parentId ?? '');
  const [definition, setDefinition] = useState(code?.definition ?? '');
  const [memo, setMemo] = useState(code?.memo ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const excluded = code ? descendantIds(codes, code.id) : new Set<number>();
  const parents = treeRows(codes).filter((r) => !excluded.has(r.code.id));
  const parentCode = parent === '' ? undefined : codes.find((c) => c.id === parent);
  const shownKind: CodeKind = kind || parentCode?.effective_kind || 'other';

  const submit = async () => {
    setBusy(true);
    setError(null);
    const body: CodeCreate = {
      name: name.trim(),
      kind: kind || null,
      colour: colour || null,
      parent_id: parent === '' ? null : parent,
      definition: definition || null,
      memo: memo || null,
    };
    if (code && !colour && !code.colour) delete body.colour;
    try {
      await onSave(body);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="code-dialog-title" fullWidth maxWidth="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <DialogTitle id="code-dialog-title">{code ? `Edit “${code.name}”` : 'New code'}</DialogTitle>
        <DialogContent sx={{ display: 'grid', gap: 1.5, pt: '8px !important' }}>
          <TextField
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            autoFocus
            size="small"
            slotProps={{ htmlInput: { 'data-testid': 'code-name' } }}
          />
          <TextField
            select
            label="Kind"
            value={kind}
            onChange={(e) => setKind(e.target.value === '' ? '' : choiceOf(KINDS, e.target.value, 'other'))}
            size="small"
            // displayEmpty: "not set" is a choice with its own words, not a blank box
            slotProps={{
              htmlInput: { 'data-testid': 'code-kind' },
              select: { displayEmpty: true },
              inputLabel: { shrink: true },
            }}
          >
            <MenuItem value="">
              {parentCode ? `Same as parent (${KIND_LABEL[parentCode.effective_kind]})` : 'Not set (Other)'}
            </MenuItem>
            {KINDS.map((k) => (
              <MenuItem key={k.id} value={k.id}>
                {k.name}
              </MenuItem>
            ))}
          </TextField>
          <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
            <label htmlFor="code-colour">Colour</label>
            <input
              id="code-colour"
              type="color"
              value={colour || KIND_COLOUR[shownKind]}
              onChange={(e) => setColour(e.target.value)}
            />
            <span className="ew-muted">{colour || `default for ${KIND_LABEL[shownKind].toLowerCase()}`}</span>
            {colour && (
              <Button size="small" onClick={() => setColour('')}>
                Use default
              </Button>
            )}
          </div>
          <TextField
            select
            label="Parent"
            value={parent}
            onChange={(e) => setParent(e.target.value === '' ? '' : Number(e.target.value))}
            size="small"
          >
            <MenuItem value="">(top level)</MenuItem>
            {parents.map((r) => (
              <MenuItem key={r.code.id} value={r.code.id}>
                {r.path}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            label="Definition"
            value={definition}
            onChange={(e) => setDefinition(e.target.value)}
            multiline
            minRows={2}
            size="small"
          />
          <TextField
            label="Memo"
            value={memo}
            onChange={(e) => setMemo(e.target.value)}
            multiline
            minRows={2}
            size="small"
          />
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy || !name.trim()}>
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
