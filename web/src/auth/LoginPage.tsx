/** Sign-in: email and password against POST /api/auth/login; errors shown inline. */
import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, Card, CardContent, TextField, Typography } from '@mui/material';
import { useLogin } from 'react-admin';

export function LoginPage() {
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login({ email, password });
    } catch (err) {
      setError((err as Error)?.message || 'Sign-in failed');
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', bgcolor: 'background.default' }}>
      <Card sx={{ width: 360 }} variant="outlined">
        <CardContent>
          <Typography component="h1" variant="h6" gutterBottom>
            Evidence Workbench
          </Typography>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            Sign in with your project account.
          </Typography>
          <form onSubmit={submit} aria-label="Sign in" noValidate>
            <TextField
              label="Email"
              type="email"
              autoComplete="username"
              autoFocus
              required
              fullWidth
              margin="dense"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              slotProps={{ htmlInput: { 'data-testid': 'login-email' } }}
            />
            <TextField
              label="Password"
              type="password"
              autoComplete="current-password"
              required
              fullWidth
              margin="dense"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              slotProps={{ htmlInput: { 'data-testid': 'login-password' } }}
            />
            {error && (
              <Alert severity="error" role="alert" sx={{ mt: 1 }} data-testid="login-error">
                {error}
              </Alert>
            )}
            <Button type="submit" variant="contained" fullWidth sx={{ mt: 2 }} disabled={busy || !email || !password} data-testid="login-submit">
              {busy ? 'Signing in…' : 'Sign in'}
            </Button>
          </form>
        </CardContent>
      </Card>
    </Box>
  );
}
