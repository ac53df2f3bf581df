/**
 * A transcript's speakers (GET/PUT {p}/documents/{id}/speakers): each one's turns, role,
 * and where the role came from, so a role the app inferred is never shown as a fact.
 * Coders set or clear a role; it then counts as the researcher's ("user").
 */
import { useState } from 'react';
import { Alert, Box, MenuItem, TextField, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import { inProject, useProjectId } from '../api/project';
import type { components } from '../api/schema';
import { useProjectRole } from '../common/useProjectData';

type Speaker = components['schemas']['SpeakerPublic'];
type SpeakerRole = components['schemas']['SpeakerRole'];

const SOURCE: Record<string, string> = {
  label: 'from the speaker label',
  convention: 'guessed from a convention (Q/A, I/R)',
  user: 'set by a researcher',
};
const UNKNOWN = 'unknown';

function roleOf(value: string): SpeakerRole | null {
  return value === 'interviewer' || value === 'interviewee' ? value : null;
}

export function Speakers({ documentId }: { documentId: number }) {
  const pid = useProjectId();
  const { canCode } = useProjectRole();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const key = ['documents', 'speakers', pid, documentId];
  const path = { ...inProject(pid), document_id: documentId };
  const { data } = useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/documents/{document_id}/speakers', { path, signal }),
  });
  if (!data?.length) return null;
  const change = async (speaker: Speaker, value: string) => {
    setError(null);
    try {
      const rows = await call('put', '/api/projects/{project_id}/documents/{document_id}/speakers', {
        path,
        body: { speaker: speaker.speaker, role: roleOf(value) },
      });
      queryClient.setQueryData(key, rows);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Box component="section" aria-label="Speakers" sx={{ mt: 2 }}>
      <Typography variant="subtitle2" component="h2">
        Speakers
      </Typography>
      <table className="ew-table">
        <thead>
          <tr>
            <th>Speaker</th>
            <th>Turns</th>
            <th>Role</th>
            <th>Role from</th>
          </tr>
        </thead>
        <tbody>
          {data.map((s) => (
            <tr key={s.speaker} data-testid="speaker-row">
              <th scope="row">{s.speaker}</th>
              <td>{s.turns}</td>
              <td>
                {canCode ? (
                  <TextField
                    select
                    size="small"
                    variant="standard"
                    value={s.role ?? UNKNOWN}
                    onChange={(e) => void change(s, e.target.value)}
                    slotProps={{ select: { SelectDisplayProps: { 'aria-label': `Role of ${s.speaker}` } } }}
                  >
                    <MenuItem value="interviewer">interviewer</MenuItem>
                    <MenuItem value="interviewee">interviewee</MenuItem>
                    <MenuItem value={UNKNOWN}>unknown</MenuItem>
                  </TextField>
                ) : (
                  (s.role ?? UNKNOWN)
                )}
              </td>
              <td>{s.role_source ? (SOURCE[s.role_source] ?? s.role_source) : 'no role known'}</td>
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
