/** An admin opens a coding round: a name, its documents, two or more coders, blind or not. */
import { useState, type FormEvent } from 'react';
import { Alert, Autocomplete, Box, Button, Checkbox, FormControlLabel, TextField } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useNotify } from 'react-admin';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import { inProject, useProjectId } from '../api/project';
import { useMembers } from '../common/useProjectData';
import { useDocuments } from './useRounds';

export function OpenRoundForm({ onDone }: { onDone: () => void }) {
  const pid = useProjectId();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { data: members = [] } = useMembers();
  const { data: documents = [] } = useDocuments();
  const coders = members.filter((m) => m.role !== 'viewer'); // viewers cannot code
  const [name, setName] = useState('');
  const [documentIds, setDocumentIds] = useState<number[]>([]);
  const [coderIds, setCoderIds] = useState<number[]>([]);
  const [blind, setBlind] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = (id: number) => documents.find((d) => d.id === id)?.title ?? `document ${id}`;
  const person = (id: number) => members.find((m) => m.user_id === id)?.name ?? `user ${id}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const made = await call('post', '/api/projects/{project_id}/rounds', {
        path: inProject(pid),
        body: { name: name.trim(), document_ids: documentIds, coder_ids: coderIds, blind },
      });
      await queryClient.invalidateQueries({ queryKey: ['rounds'] });
      notify(`Round ${made.name} is open${made.blind ? ' (blind)' : ''}`);
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box
      component="form"
      aria-label="Open a coding round"
      data-testid="round-form"
      onSubmit={(e) => void submit(e)}
      sx={{ display: 'grid', gap: 1.5, maxWidth: 640, p: 2, border: 1, borderColor: 'divider', borderRadius: 1 }}
    >
      <TextField
        size="small"
        label="Round name"
        value={name}
        required
        slotProps={{ htmlInput: { maxLength: 200, 'data-testid': 'round-name' } }}
        onChange={(e) => setName(e.target.value)}
      />
      <Autocomplete
        multiple
        size="small"
        options={documents.map((d) => d.id)}
        getOptionLabel={title}
        value={documentIds}
        onChange={(_, v) => setDocumentIds(v)}
        renderInput={(p) => <TextField {...p} label="Documents" />}
      />
      <Autocomplete
        multiple
        size="small"
        options={coders.map((m) => m.user_id)}
        getOptionLabel={person}
        value={coderIds}
        onChange={(_, v) => setCoderIds(v)}
        renderInput={(p) => <TextField {...p} label="Coders (two or more)" />}
      />
      <FormControlLabel
        control={<Checkbox checked={blind} onChange={(e) => setBlind(e.target.checked)} />}
        label="Blind: while the round is open, each coder sees only their own codes on its documents"
      />
      {error && <Alert severity="error">{error}</Alert>}
      <Box sx={{ display: 'flex', gap: 1 }}>
        <Button
          type="submit"
          variant="contained"
          data-testid="round-open"
          disabled={busy || !name.trim() || !documentIds.length || coderIds.length < 2}
        >
          Open round
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </Box>
    </Box>
  );
}
