/**
 * Sign-in: email and password against POST /api/auth/login, then whatever step the
 * server says is left (backend/accounts/signin.py): the TOTP code, enrolling TOTP, a new
 * password. Single sign-on, when configured, is a button; its failures come back as
 * /login?sso_error=…. Errors are shown inline.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Box, Button, Card, CardContent, Divider, TextField, Typography } from '@mui/material';
import { useLogin } from 'react-admin';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import { statusOf } from '../api/http';
import type { SignInResult, SsoOptions, Step, TotpEnrolment as Enrolment } from './accountTypes';
import { RecoveryCodes, TotpEnrolment } from './TotpEnrolment';

function Field(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  testId: string;
  type?: string;
  autoComplete?: string;
}) {
  return (
    <TextField
      label={props.label}
      type={props.type ?? 'text'}
      autoComplete={props.autoComplete}
      autoFocus
      required
      fullWidth
      margin="dense"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      slotProps={{ htmlInput: { 'data-testid': props.testId } }}
    />
  );
}

export function LoginPage() {
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<Step | null>(null);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<SignInResult | null>(null);
  const [sso, setSso] = useState<SsoOptions | null>(null);
  const [error, setError] = useState<string | null>(() => new URLSearchParams(location.search).get('sso_error'));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    call('get', '/api/auth/oidc', {}).then(setSso, () => setSso(null));
  }, []);
  useEffect(() => {
    if (step === 'enrol_totp' && !enrolment)
      call('post', '/api/auth/login/totp/enrol', {}).then(setEnrolment, (err) => setError(errorMessage(err)));
  }, [step, enrolment]);

  /** Where the server says the sign-in stands: the next step, or signed in. */
  const proceed = async (result: SignInResult) => {
    setCode('');
    if (result.user) {
      if (result.recovery_codes) setCodes(result);
      else await login({ signedIn: result });
      return;
    }
    setStep(result.next);
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorMessage(err) || 'Sign-in failed');
      if (statusOf(err) === 401 && step !== 'totp') setStep(null);
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      if (step === null) {
        setPassword('');
        await proceed(await call('post', '/api/auth/login', { body: { email: email.trim(), password } }));
      } else if (step === 'totp') await proceed(await call('post', '/api/auth/login/totp', { body: { code } }));
      else if (step === 'change_password')
        await proceed(await call('post', '/api/auth/login/password', { body: { new_password: password } }));
    });
  };

  let body: ReactNode;
  if (codes) {
    body = (
      <>
        <RecoveryCodes codes={codes.recovery_codes ?? []} />
        <Button
          variant="contained"
          fullWidth
          onClick={() => void login({ signedIn: codes })}
          data-testid="login-continue"
        >
          I have kept them: continue
        </Button>
      </>
    );
  } else if (step === 'enrol_totp') {
    body = enrolment ? (
      <TotpEnrolment
        enrolment={enrolment}
        onConfirm={async (c) => proceed(await call('post', '/api/auth/login/totp/confirm', { body: { code: c } }))}
      />
    ) : null;
  } else {
    body = (
      <form onSubmit={submit} aria-label="Sign in" noValidate>
        {step === null && (
          <>
            <Field
              label="Email"
              type="email"
              autoComplete="username"
              value={email}
              onChange={setEmail}
              testId="login-email"
            />
            <Field
              label="Password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={setPassword}
              testId="login-password"
            />
          </>
        )}
        {step === 'totp' && (
          <Field
            label="Code from your authenticator app, or a recovery code"
            autoComplete="one-time-code"
            value={code}
            onChange={setCode}
            testId="login-code"
          />
        )}
        {step === 'change_password' && (
          <Field
            label="Choose a new password (10 characters or more)"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={setPassword}
            testId="login-new-password"
          />
        )}
        <Button
          type="submit"
          variant="contained"
          fullWidth
          sx={{ mt: 2 }}
          disabled={busy || (step === 'totp' ? !code : !password || (step === null && !email))}
          data-testid="login-submit"
        >
          {busy ? 'Signing in…' : step === null ? 'Sign in' : 'Continue'}
        </Button>
      </form>
    );
  }

  return (
    <Box
      component="main"
      sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', bgcolor: 'background.default' }}
    >
      <Card sx={{ width: 380 }} variant="outlined">
        <CardContent>
          <Typography component="h1" variant="h6" gutterBottom>
            Evidence Workbench
          </Typography>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            {step === 'enrol_totp'
              ? 'This server requires a second factor: set one up to continue.'
              : step === 'totp'
                ? 'Enter the code for your account.'
                : 'Sign in with your project account.'}
          </Typography>
          {error && (
            <Alert severity="error" role="alert" sx={{ my: 1 }} data-testid="login-error">
              {error}
            </Alert>
          )}
          {body}
          {sso?.enabled && step === null && !codes && (
            <>
              <Divider sx={{ my: 2 }}>or</Divider>
              <Button variant="outlined" fullWidth href="/api/auth/oidc/start" data-testid="login-sso">
                Sign in with {sso.display_name}
              </Button>
            </>
          )}
        </CardContent>
      </Card>
    </Box>
  );
}
