/** Turning on a TOTP second factor: scan the QR code (or type the secret), then a code. */
import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, TextField, Typography } from '@mui/material';
import { errorMessage } from '../api/errors';
import type { TotpEnrolment as Enrolment } from './accountTypes';

export function TotpEnrolment({
  enrolment,
  onConfirm,
}: {
  enrolment: Enrolment;
  onConfirm: (code: string) => Promise<void>;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm(code);
    } catch (err) {
      setError(errorMessage(err));
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Turn on the second factor" noValidate>
      <Typography variant="body2" gutterBottom>
        Scan this code with an authenticator app (Microsoft Authenticator, Google Authenticator, FreeOTP…), then type
        the six-digit code it shows.
      </Typography>
      <Box sx={{ textAlign: 'center' }}>
        <img src={enrolment.qr_svg} alt="QR code for the authenticator app" width={200} height={200} />
      </Box>
      <Typography variant="caption" component="p">
        Or type this key: <code data-testid="totp-secret">{enrolment.secret}</code>
      </Typography>
      <TextField
        label="Code from the app"
        autoComplete="one-time-code"
        fullWidth
        margin="dense"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'totp-enrol-code' } }}
      />
      {error && (
        <Alert severity="error" role="alert" data-testid="totp-enrol-error">
          {error}
        </Alert>
      )}
      <Button type="submit" variant="contained" fullWidth sx={{ mt: 1 }} disabled={busy || !code}>
        Turn on
      </Button>
    </form>
  );
}

/** Recovery codes, shown once. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Alert severity="warning" sx={{ my: 1 }}>
      <Typography variant="body2" gutterBottom>
        Keep these recovery codes somewhere safe. Each signs you in once if you lose your phone; they are not shown
        again.
      </Typography>
      <Box component="ul" data-testid="recovery-codes" sx={{ fontFamily: 'monospace', columns: 2, pl: 2, m: 0 }}>
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </Box>
    </Alert>
  );
}
