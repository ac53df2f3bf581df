/** Saved searches, shared in the project (GET/POST/DELETE saved-searches). */
import { errorMessage } from '../api/errors';
import { useState } from 'react';
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, IconButton, TextField } from '@mui/material';
import DeleteIcon from '@mui/icons-material/DeleteOutline';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNotify } from 'react-admin';
import { call } from '../api/client';
import { statusOf } from '../api/http';
import { inProject, useProjectId } from '../api/project';
import type { SavedSearch } from '../api/types';
import { useMembers } from '../common/useProjectData';

export function SavedSearches({
  query,
  filters,
  onApply,
}: {
  query: string;
  filters: Record<string, unknown>;
  onApply: (s: SavedSearch) => void;
}) {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const { data: members = [] } = useMembers();
  const key = ['saved-searches', 'all', pid];
  const { data, error } = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => call('get', '/api/projects/{project_id}/saved-searches', { path: inProject(pid), signal }),
    retry: false,
  });
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [saveError, setSaveError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      call('post', '/api/projects/{project_id}/saved-searches', {
        path: inProject(pid),
        body: { name: name.trim(), query, filters },
      }),
    onSuccess: () => {
      setOpen(false);
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['saved-searches'] });
      notify('Search saved for the project');
    },
    onError: (err) => setSaveError(errorMessage(err)),
  });
  const remove = useMutation({
    mutationFn: (id: number) =>
      call('delete', '/api/projects/{project_id}/saved-searches/{saved_id}', {
        path: { ...inProject(pid), saved_id: id },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['saved-searches'] }),
    onError: (err) => notify(errorMessage(err), { type: 'error' }),
  });
  const unavailable = statusOf(error) === 404 || statusOf(error) === 405;

  return (
    <section aria-label="Saved searches" className="ew-saved">
      <div className="ew-section-head">
        <h2>Saved searches</h2>
        <Button
          size="small"
          disabled={!query || unavailable}
          onClick={() => {
            setSaveError(null);
            setOpen(true);
          }}
          data-testid="save-search"
        >
          Save this search
        </Button>
      </div>
      {unavailable && <p className="ew-muted">Saved searches are not available on this server yet.</p>}
      {error && !unavailable && <p className="ew-error-text">{error.message}</p>}
      <ul className="ew-plainlist" data-testid="saved-search-list">
        {(data ?? []).map((s) => (
          <li key={s.id}>
            <button type="button" className="ew-linkbutton" onClick={() => onApply(s)} title={s.query}>
              {s.name}
            </button>
            {s.created_by != null && (
              <span className="ew-muted"> · {members.find((m) => m.user_id === s.created_by)?.name ?? ''}</span>
            )}
            <IconButton size="small" aria-label={`Delete saved search ${s.name}`} onClick={() => remove.mutate(s.id)}>
              <DeleteIcon fontSize="inherit" />
            </IconButton>
          </li>
        ))}
        {data && !data.length && <li className="ew-muted">None yet.</li>}
      </ul>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby="save-search-title">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) save.mutate();
          }}
        >
          <DialogTitle id="save-search-title">Save search for the project</DialogTitle>
          <DialogContent>
            <p className="ew-muted">
              Query: <code>{query}</code>
            </p>
            <TextField
              autoFocus
              fullWidth
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
            />
            {saveError && (
              <p role="alert" className="ew-error-text">
                {saveError}
              </p>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button type="submit" variant="contained" disabled={save.isPending || !name.trim()}>
              Save
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </section>
  );
}
