/**
 * 409 handling for react-admin edit forms of versioned resources (theories, CMOCs):
 * the form keeps what the user typed; a dialog shows theirs vs yours per field and
 * lets the user load theirs or save theirs-plus-mine with the new version.
 */
import { createContext, useContext, useState, type ReactNode } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle } from '@mui/material';
import { useNotify, useRefresh, useResourceContext, useUpdate } from 'react-admin';
import { useFormContext } from 'react-hook-form';
import { changedFields, isRecord } from '../api/dataProvider';
import { errorMessage } from '../api/errors';
import { conflictCurrent } from '../api/http';

type Rec = Record<string, unknown> & { id: number; version: number };

function isRec(value: unknown): value is Rec {
  return isRecord(value) && typeof value.id === 'number' && typeof value.version === 'number';
}
interface State {
  mine: Record<string, unknown>; // only the fields this user changed
  theirs: Rec;
}
const Ctx = createContext<{ state: State | null; set: (s: State | null) => void } | null>(null);

export function ConflictProvider({ children }: { children: ReactNode }) {
  const [state, set] = useState<State | null>(null);
  return <Ctx.Provider value={{ state, set }}>{children}</Ctx.Provider>;
}

/** mutationOptions.onError for <Edit>: opens the dialog on 409, else notifies. */
export function useConflictOnError() {
  const ctx = useContext(Ctx);
  const notify = useNotify();
  return (error: unknown, variables: unknown) => {
    const theirs = conflictCurrent<unknown>(error);
    if (isRec(theirs) && ctx && isRecord(variables) && isRecord(variables.data)) {
      const previous = isRecord(variables.previousData) ? variables.previousData : undefined;
      ctx.set({ mine: changedFields(variables.data, previous), theirs });
      return;
    }
    notify(errorMessage(error) || 'Save failed', { type: 'error' });
  };
}

function show(v: unknown): string {
  if (v == null || v === '') return '—';
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** Put inside the form. `fields` are the editable fields to compare. */
export function ConflictDialog({ fields }: { fields: { source: string; label: string }[] }) {
  const ctx = useContext(Ctx);
  const form = useFormContext();
  const resource = useResourceContext();
  const [update, { isPending }] = useUpdate();
  const refresh = useRefresh();
  const [error, setError] = useState<string | null>(null);
  if (!ctx?.state) return null;
  const { mine, theirs } = ctx.state;
  const differing = fields.filter(
    (f) => f.source in mine && JSON.stringify(mine[f.source] ?? null) !== JSON.stringify(theirs[f.source] ?? null),
  );
  const close = () => {
    ctx.set(null);
    setError(null);
  };
  const keepTheirs = () => {
    form.reset(theirs);
    refresh();
    close();
  };
  const applyMine = () => {
    if (!resource) return;
    void update(
      resource,
      { id: theirs.id, data: { ...theirs, ...mine }, previousData: theirs },
      {
        mutationMode: 'pessimistic',
        onSuccess: (saved) => {
          form.reset(isRecord(saved) ? saved : theirs);
          close();
        },
        onError: (err) => setError(errorMessage(err)),
      },
    );
  };
  return (
    <Dialog
      open
      onClose={close}
      aria-labelledby="edit-conflict-title"
      maxWidth="md"
      fullWidth
      data-testid="conflict-dialog"
    >
      <DialogTitle id="edit-conflict-title">Someone else saved this first</DialogTitle>
      <DialogContent>
        <p>
          It is now at version {theirs.version}. Your changes are still in the form. “Save mine over theirs” keeps their
          other changes and applies only the fields you changed:
        </p>
        <table className="ew-table">
          <thead>
            <tr>
              <th>Field</th>
              <th>Theirs (saved)</th>
              <th>Yours (not saved)</th>
            </tr>
          </thead>
          <tbody>
            {!differing.length && (
              <tr>
                <td colSpan={3}>Your changes and theirs do not touch the same fields.</td>
              </tr>
            )}
            {differing.map((f) => (
              <tr key={f.source}>
                <th scope="row">{f.label}</th>
                <td>{show(theirs[f.source])}</td>
                <td>{show(mine[f.source])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {error && (
          <Alert severity="error" role="alert">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>Keep editing</Button>
        <Button onClick={keepTheirs} data-testid="conflict-keep-theirs">
          Load theirs
        </Button>
        <Button variant="contained" disabled={isPending} onClick={applyMine} data-testid="conflict-apply-mine">
          Save mine over theirs
        </Button>
      </DialogActions>
    </Dialog>
  );
}
