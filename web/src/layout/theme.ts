/** Dense, readable, high-contrast: react-admin's "nano" theme with accessible colours. */
import { nanoLightTheme, type RaThemeOptions } from 'react-admin';

type Overrides = Record<string, { defaultProps?: Record<string, unknown> } & Record<string, unknown>>;
// react-admin types its theme's components loosely; each entry is a MUI component override.
const nano = (nanoLightTheme.components ?? {}) as Overrides;
/** Nano makes every MUI field full width; our own compact filters size themselves. */
const notFullWidth = (name: string) => ({
  ...nano[name],
  defaultProps: { ...nano[name]?.defaultProps, fullWidth: false },
});

const NOTIFY = { error: '#b3261e', warning: '#7a4a00', info: '#005f73', success: '#1b6e3a' };

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export const theme: RaThemeOptions = {
  ...nanoLightTheme,
  palette: {
    mode: 'light',
    primary: { main: '#00585c', contrastText: '#ffffff' },
    secondary: { main: '#37474f' },
    error: { main: '#b3261e' },
    warning: { main: '#8a5300' },
    info: { main: '#005f73' },
    success: { main: '#1b6e3a' },
    background: { default: '#f6f7f8', paper: '#ffffff' },
    text: { primary: '#1d252c', secondary: '#4a5560' },
  },
  // Nano's typography is an options object (MUI also allows a function; nano does not use one).
  typography: { ...(nanoLightTheme.typography as object), fontFamily: FONT, fontSize: 13 },
  components: {
    ...nanoLightTheme.components,
    MuiTextField: notFullWidth('MuiTextField'),
    MuiFormControl: notFullWidth('MuiFormControl'),
    MuiAutocomplete: notFullWidth('MuiAutocomplete'),
    MuiButtonBase: { defaultProps: { disableRipple: true } },
    // Notifications: dark text on white with a coloured edge (nano's pale colours fail AA).
    MuiSnackbar: {
      styleOverrides: {
        root: Object.fromEntries(
          (['error', 'warning', 'info', 'success'] as const).map((kind) => [
            `& .RaNotification-${kind}`,
            {
              border: `1px solid ${NOTIFY[kind]}`,
              borderLeft: `6px solid ${NOTIFY[kind]}`,
              backgroundColor: '#ffffff !important',
              color: `${NOTIFY[kind]} !important`,
              fontSize: 14,
            },
          ]),
        ),
      },
    },
    MuiLink: { defaultProps: { underline: 'hover' } },
    // MUI's unselected toggle is action.active (54 % black): 4.49:1 on the page's grey.
    // A spinner is a progressbar: it needs a name (react-admin's own have none).
    MuiCircularProgress: { defaultProps: { 'aria-label': 'Loading' } },
    MuiToggleButton: { styleOverrides: { root: { color: '#4a5560' } } },
    MuiCssBaseline: {
      styleOverrides: {
        ':focus-visible': { outline: '2px solid #00585c', outlineOffset: 2 },
      },
    },
  },
  sidebar: { width: 200, closedWidth: 48 },
};

/** Colours for statuses: text colour on a pale fill, readable (>= 4.5:1). */
export const STATUS_COLOURS: Record<string, { fg: string; bg: string }> = {
  corroborated: { fg: '#0f5132', bg: '#d1e7dd' },
  supported: { fg: '#0f5132', bg: '#d1e7dd' },
  single_source: { fg: '#664d03', bg: '#fff3cd' },
  proposed: { fg: '#664d03', bg: '#fff3cd' },
  refined: { fg: '#084298', bg: '#cfe2ff' },
  revised: { fg: '#084298', bg: '#cfe2ff' },
  contested: { fg: '#842029', bg: '#f8d7da' },
  refuted: { fg: '#842029', bg: '#f8d7da' },
  no_evidence: { fg: '#41464b', bg: '#e2e3e5' },
  initial: { fg: '#41464b', bg: '#e2e3e5' },
  draft: { fg: '#41464b', bg: '#e2e3e5' },
  ready: { fg: '#0f5132', bg: '#d1e7dd' },
  needs_ocr: { fg: '#664d03', bg: '#fff3cd' },
  ocr: { fg: '#084298', bg: '#cfe2ff' },
  ocr_low: { fg: '#842029', bg: '#f8d7da' },
  queued: { fg: '#41464b', bg: '#e2e3e5' },
  running: { fg: '#084298', bg: '#cfe2ff' },
  done: { fg: '#0f5132', bg: '#d1e7dd' },
  failed: { fg: '#842029', bg: '#f8d7da' },
};
