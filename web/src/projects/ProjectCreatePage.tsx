/**
 * A new project: its name, a description and the first members with their roles, created
 * in one request (the API adds nobody unless every email has an account). The creator
 * becomes the project's admin, and the app switches to it.
 */
import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, IconButton, MenuItem, Paper, TextField, Typography } from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { useQueryClient } from '@tanstack/react-query';
import { Title } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import { setProjectId } from '../api/project';
import type { Role } from '../api/types';
import { choiceOf } from '../common/choices';
import { ROLES } from './roles';

interface MemberRow {
  key: number;
  email: string;
  role: Role;
}

function MemberRowFields({
  row,
  index,
  onChange,
  onRemove,
}: {
  row: MemberRow;
  index: number;
  onChange: (row: MemberRow) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  return (
    <Box role="group" aria-label={`Member ${n}`} sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
      <TextField
        label={`Email of member ${n}`}
        type="email"
        size="small"
        value={row.email}
        onChange={(e) => onChange({ ...row, email: e.target.value })}
        sx={{ minWidth: 300 }}
      />
      <TextField
        select
        label={`Role of member ${n}`}
        size="small"
        value={row.role}
        onChange={(e) => onChange({ ...row, role: choiceOf(ROLES, e.target.value, row.role) })}
        sx={{ minWidth: 150 }}
      >
        {ROLES.map((r) => (
          <MenuItem key={r.id} value={r.id}>
            {r.name}
          </MenuItem>
        ))}
      </TextField>
      <IconButton aria-label={`Remove member ${n}`} onClick={onRemove}>
        <DeleteIcon />
      </IconButton>
    </Box>
  );
}

function useMemberRows() {
  const [rows, setRows] = useState<MemberRow[]>([]);
  const [next, setNext] = useState(1);
  return {
    rows,
    add: () => {
      setRows((r) => [...r, { key: next, email: '', role: 'coder' }]);
      setNext((n) => n + 1);
    },
    change: (row: MemberRow) => setRows((r) => r.map((x) => (x.key === row.key ? row : x))),
    remove: (key: number) => setRows((r) => r.filter((x) => x.key !== key)),
  };
}

export default function ProjectCreatePage() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const members = useMemberRows();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setPending(true);
    const body = {
      name: name.trim(),
      description: description.trim() || null,
      members: members.rows.filter((m) => m.email.trim()).map((m) => ({ email: m.email.trim(), role: m.role })),
    };
    try {
      const project = await call('post', '/api/projects', { body });
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      setProjectId(project.id);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'projects' });
      void navigate('/members');
    } catch (err) {
      setError(errorMessage(err)); // the form keeps everything typed
      setPending(false);
    }
  };

  return (
    <Paper sx={{ p: 3, m: 2, maxWidth: 720 }}>
      <Title title="New project" />
      <Box component="form" aria-label="New project" onSubmit={(e) => void submit(e)} sx={{ display: 'grid', gap: 2 }}>
        <TextField label="Project name" required value={name} onChange={(e) => setName(e.target.value)} />
        <TextField
          label="Description"
          multiline
          minRows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <Typography component="h2" variant="subtitle1">
          Members
        </Typography>
        <Typography variant="body2" className="ew-muted">
          You become the project&apos;s admin. Members need an account first (an account admin creates it).
        </Typography>
        {members.rows.map((row, i) => (
          <MemberRowFields
            key={row.key}
            row={row}
            index={i}
            onChange={members.change}
            onRemove={() => members.remove(row.key)}
          />
        ))}
        <Box>
          <Button onClick={members.add}>Add a member</Button>
        </Box>
        {error && (
          <Alert severity="error" role="alert">
            {error}
          </Alert>
        )}
        <Box>
          <Button type="submit" variant="contained" disabled={pending || !name.trim()}>
            Create project
          </Button>
        </Box>
      </Box>
    </Paper>
  );
}
