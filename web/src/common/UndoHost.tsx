/** Shows the last change with an "Undo" button, and undoes on Ctrl+Z / Cmd+Z. */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { Button, Snackbar } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useNotify } from 'react-admin';
import { errorMessage } from '../api/errors';
import { isTextEntry, isUndoKey, lastUndo, markUndone, subscribeUndo, takeUndo } from './undo';

export function UndoHost() {
  const last = useSyncExternalStore(subscribeUndo, lastUndo);
  const [hidden, setHidden] = useState<number | null>(null); // the entry whose notice closed
  const notify = useNotify();
  const queryClient = useQueryClient();

  const undo = useCallback(
    async (id?: number) => {
      const entry = takeUndo(id);
      if (!entry) {
        notify('Nothing to undo');
        return;
      }
      try {
        await entry.run();
        notify(`Undone: ${entry.label}`, { type: 'info' });
      } catch (err) {
        notify(`Could not undo (${entry.label}): ${errorMessage(err)}`, { type: 'error' });
      }
      // Every screen showing what changed reads it again (react-admin's too).
      await queryClient.invalidateQueries();
      markUndone();
    },
    [notify, queryClient],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isUndoKey(e) || e.defaultPrevented || isTextEntry(document.activeElement)) return;
      e.preventDefault();
      void undo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo]);

  const open = !!last && hidden !== last.id;
  return (
    <Snackbar
      key={last?.id}
      open={open}
      autoHideDuration={10_000}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }} // react-admin's own notices: centre
      onClose={(_, reason) => {
        if (reason !== 'clickaway' && last) setHidden(last.id);
      }}
      message={last?.label}
      data-testid="undo-notice"
      action={
        <Button color="inherit" onClick={() => last && void undo(last.id)} data-testid="undo-button">
          Undo
        </Button>
      }
    />
  );
}
