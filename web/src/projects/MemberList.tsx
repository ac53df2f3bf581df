/** Members and roles: everyone sees them; project admins add, change and remove. */
import { errorMessage } from '../api/errors';
import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, MenuItem, TextField } from '@mui/material';
import {
  Datagrid,
  DeleteButton,
  FunctionField,
  List,
  TextField as RaText,
  useCreate,
  useNotify,
  useRefresh,
  useUpdate,
} from 'react-admin';
import type { Member, Role } from '../api/types';
import { choiceOf } from '../common/choices';
import { useProjectRole } from '../common/useProjectData';
import { ROLES } from './roles';

function RoleSelect({ member }: { member: Member }) {
  const [update, { isPending }] = useUpdate();
  const notify = useNotify();
  return (
    <TextField
      select
      size="small"
      variant="standard"
      value={member.role}
      disabled={isPending}
      onClick={(e) => e.stopPropagation()}
      onChange={(e) =>
        void update(
          'members',
          { id: member.id, data: { role: e.target.value }, previousData: member },
          {
            mutationMode: 'pessimistic',
            onError: (err) => notify(errorMessage(err), { type: 'error' }),
            onSuccess: () => notify(`${member.name} is now ${e.target.value}`),
          },
        )
      }
      slotProps={{ select: { inputProps: { 'aria-label': `Role of ${member.name}` } } }}
    >
      {ROLES.map((r) => (
        <MenuItem key={r.id} value={r.id}>
          {r.name}
        </MenuItem>
      ))}
    </TextField>
  );
}

function AddMember() {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('coder');
  const [error, setError] = useState<string | null>(null);
  const [create, { isPending }] = useCreate();
  const refresh = useRefresh();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    void create(
      'members',
      { data: { email: email.trim(), role } },
      {
        onSuccess: () => {
          setEmail('');
          refresh();
        },
        onError: (err) => setError(errorMessage(err)), // keeps what was typed
      },
    );
  };
  return (
    <Box
      component="form"
      onSubmit={submit}
      aria-label="Add a member"
      sx={{ display: 'flex', gap: 1, alignItems: 'flex-end', p: 1, flexWrap: 'wrap' }}
    >
      <TextField
        label="Email of an existing account"
        size="small"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        required
        sx={{ minWidth: 260 }}
      />
      <TextField
        select
        label="Role"
        size="small"
        value={role}
        onChange={(e) => setRole(choiceOf(ROLES, e.target.value, role))}
        sx={{ minWidth: 110 }}
      >
        {ROLES.map((r) => (
          <MenuItem key={r.id} value={r.id}>
            {r.name}
          </MenuItem>
        ))}
      </TextField>
      <Button type="submit" variant="contained" disabled={isPending || !email.trim()}>
        Add member
      </Button>
      {error && (
        <Alert severity="error" role="alert" sx={{ py: 0 }}>
          {error}
        </Alert>
      )}
    </Box>
  );
}

export default function MemberList() {
  const { isAdmin } = useProjectRole();
  return (
    <List
      title="Members and roles"
      pagination={false}
      perPage={1000}
      sort={{ field: 'name', order: 'ASC' }}
      exporter={false}
      actions={false}
    >
      {isAdmin ? (
        <AddMember />
      ) : (
        <p className="ew-muted" style={{ margin: 8 }}>
          Only project admins change members and roles.
        </p>
      )}
      <Datagrid bulkActionButtons={false} rowClick={false} size="small">
        <RaText source="name" />
        <RaText source="email" />
        <FunctionField
          label="Role"
          source="role"
          render={(m: Member) => (isAdmin ? <RoleSelect member={m} /> : m.role)}
        />
        {isAdmin && (
          <DeleteButton
            label="Remove"
            mutationMode="pessimistic"
            confirmTitle="Remove member"
            confirmContent="They will lose access to this project."
          />
        )}
      </Datagrid>
    </List>
  );
}
