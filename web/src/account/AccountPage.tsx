/** Your account: password, second factor, API tokens, linked single sign-on. */
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { Title, useNotify } from 'react-admin';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import type {
  ApiTokenInfo,
  LinkedIdentity,
  SsoOptions,
  TotpEnrolment as Enrolment,
  TotpStatus,
} from '../auth/accountTypes';
import { RecoveryCodes, TotpEnrolment } from '../auth/TotpEnrolment';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card variant="outlined" sx={{ mb: 2 }} component="section" aria-label={title}>
      <CardContent>
        <Typography component="h2" variant="h6" gutterBottom>
          {title}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

function useAction() {
  const notify = useNotify();
  return useCallback(
    async (work: () => Promise<unknown>, done?: string) => {
      try {
        await work();
        if (done) notify(done);
        return true;
      } catch (err) {
        notify(errorMessage(err), { type: 'error' });
        return false;
      }
    },
    [notify],
  );
}

function PasswordSection() {
  const act = useAction();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const r = await call('post', '/api/auth/password', {
        body: { current_password: current, new_password: next },
      });
      setCurrent('');
      setNext('');
      return r;
    }, 'Password changed; your other sessions were signed out');
  };
  return (
    <Section title="Password">
      <Stack component="form" direction="row" spacing={1} onSubmit={submit} aria-label="Change password">
        <TextField
          size="small"
          type="password"
          label="Current password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <TextField
          size="small"
          type="password"
          label="New password (10+ characters)"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <Button type="submit" variant="contained" disabled={!current || next.length < 10}>
          Change
        </Button>
      </Stack>
    </Section>
  );
}

function TotpSection() {
  const act = useAction();
  const [status, setStatus] = useState<TotpStatus | null>(null);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [password, setPassword] = useState('');
  const load = useCallback(() => call('get', '/api/auth/totp', {}).then(setStatus), []);
  useEffect(() => void load(), [load]);
  if (!status) return null;
  return (
    <Section title="Second factor (authenticator app)">
      {codes && <RecoveryCodes codes={codes} />}
      {status.enabled ? (
        <>
          <Typography variant="body2" data-testid="totp-status">
            On. {status.recovery_codes_left} recovery codes left.
          </Typography>
          {!status.required && (
            <Stack direction="row" spacing={1} sx={{ mt: 1 }}>
              <TextField
                size="small"
                type="password"
                label="Password to turn it off"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
              <Button
                disabled={!password}
                onClick={() =>
                  void act(async () => {
                    await call('post', '/api/auth/totp/disable', { body: { password } });
                    setPassword('');
                    setCodes(null);
                    await load();
                  }, 'Second factor turned off')
                }
              >
                Turn off
              </Button>
            </Stack>
          )}
        </>
      ) : enrolment ? (
        <TotpEnrolment
          enrolment={enrolment}
          onConfirm={async (code) => {
            const r = await call('post', '/api/auth/totp/confirm', { body: { code } });
            setCodes(r.codes);
            setEnrolment(null);
            await load();
          }}
        />
      ) : (
        <Button
          variant="contained"
          data-testid="totp-start"
          onClick={() => void act(async () => setEnrolment(await call('post', '/api/auth/totp/enrol', {})))}
        >
          Set up an authenticator app
        </Button>
      )}
    </Section>
  );
}

function TokensSection() {
  const act = useAction();
  const [tokens, setTokens] = useState<ApiTokenInfo[]>([]);
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<string | null>(null);
  const load = useCallback(() => call('get', '/api/auth/tokens', {}).then(setTokens), []);
  useEffect(() => void load(), [load]);
  const create = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const r = await call('post', '/api/auth/tokens', { body: { name, expires_in_days: Number(days) } });
      setCreated(r.token);
      setName('');
      await load();
    });
  };
  const state = (t: ApiTokenInfo) =>
    t.revoked_at ? 'revoked' : new Date(t.expires_at) < new Date() ? 'expired' : 'in force';
  return (
    <Section title="API tokens">
      {created && (
        <Alert severity="info" sx={{ mb: 1 }}>
          Your new token (shown once): <code data-testid="new-token">{created}</code>
        </Alert>
      )}
      <Stack component="form" direction="row" spacing={1} onSubmit={create} aria-label="New API token">
        <TextField size="small" label="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <TextField
          size="small"
          label="Days valid"
          type="number"
          value={days}
          onChange={(e) => setDays(e.target.value)}
        />
        <Button type="submit" disabled={!name || !(Number(days) >= 1)}>
          Create
        </Button>
      </Stack>
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell>Starts</TableCell>
            <TableCell>Expires</TableCell>
            <TableCell>Last used</TableCell>
            <TableCell>State</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {tokens.map((t) => (
            <TableRow key={t.id}>
              <TableCell>{t.name}</TableCell>
              <TableCell>
                <code>{t.prefix}…</code>
              </TableCell>
              <TableCell>{t.expires_at.slice(0, 10)}</TableCell>
              <TableCell>{t.last_used_at?.slice(0, 16).replace('T', ' ') ?? 'never'}</TableCell>
              <TableCell>{state(t)}</TableCell>
              <TableCell>
                {state(t) === 'in force' && (
                  <Button
                    size="small"
                    onClick={() =>
                      void act(async () => {
                        await call('delete', '/api/auth/tokens/{token_id}', { path: { token_id: t.id } });
                        await load();
                      }, 'Token revoked')
                    }
                  >
                    Revoke
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Section>
  );
}

function SsoSection() {
  const act = useAction();
  const [sso, setSso] = useState<SsoOptions | null>(null);
  const [linked, setLinked] = useState<LinkedIdentity[]>([]);
  const load = useCallback(() => call('get', '/api/auth/identities', {}).then(setLinked), []);
  useEffect(() => {
    call('get', '/api/auth/oidc', {}).then(setSso, () => setSso(null));
    void load();
  }, [load]);
  if (!sso?.enabled && linked.length === 0) return null;
  return (
    <Section title="Single sign-on">
      {new URLSearchParams(location.search).get('linked') && (
        <Alert severity="success" sx={{ mb: 1 }}>
          Linked: you can now sign in with {sso?.display_name}.
        </Alert>
      )}
      {linked.map((i) => (
        <Stack key={i.id} direction="row" spacing={1} alignItems="center" data-testid="linked-identity">
          <Typography variant="body2">
            {i.email ?? 'an account'} at {i.issuer}
          </Typography>
          <Button
            size="small"
            onClick={() =>
              void act(async () => {
                await call('delete', '/api/auth/identities/{identity_id}', { path: { identity_id: i.id } });
                await load();
              }, 'Unlinked')
            }
          >
            Unlink
          </Button>
        </Stack>
      ))}
      {sso?.enabled && (
        <Button variant="outlined" href="/api/auth/oidc/start?link=true" sx={{ mt: 1 }}>
          Link {sso.display_name}
        </Button>
      )}
    </Section>
  );
}

export default function AccountPage() {
  return (
    <Box sx={{ maxWidth: 900, p: 2 }}>
      <Title title="Your account" />
      <PasswordSection />
      <TotpSection />
      <TokensSection />
      <SsoSection />
    </Box>
  );
}
