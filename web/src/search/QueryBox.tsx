/** The query box with the query language explained inline (README's table). */
import { useState, type FormEvent } from 'react';
import { Box, Button, TextField } from '@mui/material';

const SYNTAX: [string, string][] = [
  ['leadership board', 'both words (AND is implied); words match their stems: lead finds leading'],
  ['"integrated care board"', 'the exact words in that order'],
  ['"clinical commissioning"~5', 'both words within 5 positions of each other'],
  ['lead*', 'words starting with lead (at least 2 letters before *)'],
  ['trust OR collaboration', 'either word (also trust | collaboration)'],
  ['board AND governance', 'both (also board +governance)'],
  ['governance NOT finance', 'the first without the second (also governance -finance)'],
  ['(chair OR chief) executive', 'grouping'],
  ['goverance~1', 'fuzzy, within 1 edit (Elasticsearch engine only)'],
];

export function QueryBox({
  value,
  onSearch,
  error,
}: {
  value: string;
  onSearch: (q: string) => void;
  error?: { message: string; position?: number } | null;
}) {
  const [text, setText] = useState(value);
  const [help, setHelp] = useState(false);
  // A new query from outside (URL, saved search) replaces what is in the box.
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setText(value);
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) onSearch(text.trim());
  };
  return (
    <Box component="form" role="search" onSubmit={submit} sx={{ mb: 1 }}>
      <Box sx={{ display: 'flex', gap: 1 }}>
        <TextField
          fullWidth
          size="small"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder='e.g. leader* AND (board OR committee) "integrated care"'
          autoFocus
          error={!!error}
          slotProps={{
            htmlInput: {
              'aria-label': 'Search query',
              'data-testid': 'search-box',
              'aria-describedby': 'query-help',
              spellCheck: false,
            },
          }}
        />
        <Button type="submit" variant="contained" data-testid="search-submit">
          Search
        </Button>
      </Box>
      {error && (
        <div role="alert" className="ew-error-text" data-testid="search-error" style={{ marginTop: 4 }}>
          {error.message}
          {error.position != null && (
            <pre className="ew-caret" aria-hidden="true">
              {text}
              {'\n'}
              {' '.repeat(Math.max(0, error.position))}^
            </pre>
          )}
        </div>
      )}
      <div id="query-help" className="ew-muted ew-query-help">
        Words are ANDed · <code>"exact phrase"</code> · <code>lead*</code> · <code>A OR B</code> · <code>A NOT B</code>{' '}
        · <code>(A OR B) C</code> · <code>"a b"~5</code> · case and accents ignored ·{' '}
        <button type="button" className="ew-linkbutton" aria-expanded={help} onClick={() => setHelp(!help)}>
          {help ? 'hide syntax' : 'full syntax'}
        </button>
      </div>
      {help && (
        <table className="ew-table ew-syntax" aria-label="Query syntax">
          <thead>
            <tr>
              <th>you type</th>
              <th>it finds</th>
            </tr>
          </thead>
          <tbody>
            {SYNTAX.map(([q, d]) => (
              <tr key={q}>
                <td>
                  <code>{q}</code>
                </td>
                <td>{d}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Box>
  );
}
