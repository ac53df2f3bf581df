/**
 * Coders named in imported QDPX files (GET {p}/coders). An import never credits an
 * account by itself; a project admin links a coder to a member (PUT {p}/coders/{id}/link)
 * so agreement and exports count that work as the member's, or unlinks it.
 */
import { useState } from 'react';
import { Alert, Box, MenuItem, TextField, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import { inProject, useProjectId } from '../api/project';
import type { components } from '../api/schema';

type Coder = components['schemas']['CoderPublic'];
const NOBODY = 'none';

export function ImportedCoders({ isAdmin }: { isAdmin: boolean }) {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const coders = useQuery({
    queryKey: ['coders', pid],
    queryFn: ({ signal }) => call('get', '/api/projects/{project_id}/coders', { path: inProject(pid), signal }),
  });
  const members = useQuery({
    queryKey: ['members', 'all', pid],
    queryFn: ({ signal }) => call('get', '/api/projects/{project_id}/members', { path: inProject(pid), signal }),
    enabled: isAdmin,
  });
  if (!coders.data?.length) return null;
  const link = async (coder: Coder, value: string) => {
    setError(null);
    const path = { ...inProject(pid), coder_id: coder.id };
    try {
      if (value === NOBODY) await call('delete', '/api/projects/{project_id}/coders/{coder_id}/link', { path });
      else
        await call('put', '/api/projects/{project_id}/coders/{coder_id}/link', {
          path,
          body: { user_id: Number(value) },
        });
      await queryClient.invalidateQueries({ queryKey: ['coders', pid] });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Box component="section" aria-label="Coders from imports">
      <Typography component="h2" variant="h6">
        Coders from imports
      </Typography>
      <Typography variant="body2">
        An import credits no account by itself. Link a coder to a member so their work counts as that member’s.
      </Typography>
      <table className="ew-table">
        <thead>
          <tr>
            <th>Coder in the file</th>
            <th>Annotations</th>
            <th>Counts as</th>
          </tr>
        </thead>
        <tbody>
          {coders.data.map((c) => (
            <tr key={c.id} data-testid="coder-row">
              <th scope="row">
                {c.name}
                {c.identifier && <span className="ew-muted"> ({c.identifier})</span>}
              </th>
              <td>{c.annotations}</td>
              <td>
                {isAdmin ? (
                  <TextField
                    select
                    size="small"
                    variant="standard"
                    value={c.user_id == null ? NOBODY : String(c.user_id)}
                    onChange={(e) => void link(c, e.target.value)}
                    slotProps={{ select: { SelectDisplayProps: { 'aria-label': `Member for ${c.name}` } } }}
                  >
                    <MenuItem value={NOBODY}>not linked (the imported coder)</MenuItem>
                    {(members.data ?? []).map((m) => (
                      <MenuItem key={m.user_id} value={String(m.user_id)}>
                        {m.name} ({m.email})
                      </MenuItem>
                    ))}
                  </TextField>
                ) : (
                  (c.user_name ?? 'not linked')
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && (
        <Alert severity="error" role="alert">
          {error}
        </Alert>
      )}
    </Box>
  );
}
