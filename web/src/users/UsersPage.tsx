/** Accounts (account administrators): create, deactivate, reset a password or the
 * second factor, revoke every session and token, and each account's audit trail. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogContent,
  DialogTitle,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
} from '@mui/material';
import { Title, useNotify } from 'react-admin';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import type { AccountAdminView, AuditEntry } from '../auth/accountTypes';

function NewAccount({ onDone }: { onDone: () => void }) {
  const notify = useNotify();
  const [form, setForm] = useState({ email: '', name: '', password: '', role: 'user' });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await call('post', '/api/users', { body: { ...form, role: form.role === 'admin' ? 'admin' : 'user' } });
      notify(`Account ${form.email} created`);
      setForm({ email: '', name: '', password: '', role: 'user' });
      onDone();
    } catch (err) {
      notify(errorMessage(err), { type: 'error' });
    }
  };
  const field = (key: keyof typeof form, label: string, type = 'text') => (
    <TextField
      size="small"
      label={label}
      type={type}
      value={form[key]}
      onChange={(e) => setForm({ ...form, [key]: e.target.value })}
    />
  );
  return (
    <Stack
      component="form"
      direction="row"
      spacing={1}
      onSubmit={(e) => void submit(e)}
      aria-label="New account"
      sx={{ mb: 2 }}
    >
      {field('email', 'Email', 'email')}
      {field('name', 'Name')}
      {field('password', 'Password (10+)', 'password')}
      <TextField
        select
        size="small"
        label="Role"
        value={form.role}
        onChange={(e) => setForm({ ...form, role: e.target.value })}
      >
        <MenuItem value="user">user</MenuItem>
        <MenuItem value="admin">admin</MenuItem>
      </TextField>
      <Button type="submit" variant="contained">
        Create
      </Button>
    </Stack>
  );
}

function AuditDialog({ account, onClose }: { account: AccountAdminView; onClose: () => void }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  useEffect(() => {
    void call('get', '/api/users/{user_id}/audit', {
      path: { user_id: account.id },
      query: { sort: '["id","DESC"]', range: '[0,99]' },
    }).then(setEntries);
  }, [account.id]);
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>Audit trail of {account.email}</DialogTitle>
      <DialogContent>
        <Table size="small" data-testid="account-audit">
          <TableBody>
            {entries.map((e) => (
              <TableRow key={e.id}>
                <TableCell>{e.at.slice(0, 19).replace('T', ' ')}</TableCell>
                <TableCell>{e.action}</TableCell>
                <TableCell>
                  {e.user_id === null ? 'server' : e.user_id === account.id ? 'self' : `account ${e.user_id}`}
                </TableCell>
                <TableCell>{Object.keys(e.detail).length ? JSON.stringify(e.detail) : ''}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </DialogContent>
    </Dialog>
  );
}

/** A row's action: its label, what it does, what to say when done. */
type Action = [string, () => Promise<unknown>, string];

export default function UsersPage() {
  const notify = useNotify();
  const [rows, setRows] = useState<AccountAdminView[]>([]);
  const [temporary, setTemporary] = useState<string | null>(null);
  const [audit, setAudit] = useState<AccountAdminView | null>(null);
  const load = useCallback(() => call('get', '/api/users', {}).then(setRows), []);
  useEffect(() => void load(), [load]);

  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      notify(done);
      await load();
    } catch (err) {
      notify(errorMessage(err), { type: 'error' });
    }
  };
  const actions = (u: AccountAdminView): Action[] => [
    u.is_active
      ? [
          'Deactivate',
          () => call('patch', '/api/users/{user_id}', { path: { user_id: u.id }, body: { is_active: false } }),
          `${u.email} deactivated`,
        ]
      : [
          'Reactivate',
          () => call('patch', '/api/users/{user_id}', { path: { user_id: u.id }, body: { is_active: true } }),
          `${u.email} reactivated`,
        ],
    [
      'Reset password',
      async () =>
        setTemporary(
          (await call('post', '/api/users/{user_id}/password', { path: { user_id: u.id } })).temporary_password,
        ),
      `${u.email} must choose a new password at next sign-in`,
    ],
    [
      'Sign out everywhere',
      () => call('post', '/api/users/{user_id}/revoke', { path: { user_id: u.id } }),
      `${u.email}: sessions ended, API tokens revoked`,
    ],
    ...(u.totp_enabled
      ? [
          [
            'Reset second factor',
            () => call('delete', '/api/users/{user_id}/totp', { path: { user_id: u.id } }),
            `${u.email}'s second factor removed`,
          ] satisfies Action,
        ]
      : []),
  ];

  return (
    <Box sx={{ p: 2 }}>
      <Title title="Accounts" />
      <NewAccount onDone={() => void load()} />
      {temporary && (
        <Alert severity="info" onClose={() => setTemporary(null)} sx={{ mb: 1 }}>
          Temporary password (shown once; hand it over in person):{' '}
          <code data-testid="temporary-password">{temporary}</code>
        </Alert>
      )}
      <Table size="small" aria-label="Accounts">
        <TableHead>
          <TableRow>
            <TableCell>Email</TableCell>
            <TableCell>Name</TableCell>
            <TableCell>Role</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Second factor</TableCell>
            <TableCell>Sessions</TableCell>
            <TableCell>API tokens</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((u) => (
            <TableRow key={u.id} data-testid="account-row" data-email={u.email}>
              <TableCell>{u.email}</TableCell>
              <TableCell>{u.name}</TableCell>
              <TableCell>{u.role}</TableCell>
              <TableCell data-testid="account-state">{u.is_active ? 'active' : 'deactivated'}</TableCell>
              <TableCell>{u.totp_enabled ? 'on' : u.has_password ? 'off' : 'SSO only'}</TableCell>
              <TableCell>{u.sessions}</TableCell>
              <TableCell>{u.tokens}</TableCell>
              <TableCell>
                {actions(u).map(([label, work, done]) => (
                  <Button key={label} size="small" onClick={() => void act(work, done)}>
                    {label}
                  </Button>
                ))}
                <Button size="small" onClick={() => setAudit(u)}>
                  Audit trail
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {audit && <AuditDialog account={audit} onClose={() => setAudit(null)} />}
    </Box>
  );
}
