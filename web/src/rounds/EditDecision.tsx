/** The adjudicator's own version of a region: boundaries (code points, as the API's)
 * and codes, starting from the region with every code any coder applied there. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Autocomplete, Box, Button, TextField } from '@mui/material';
import type { Code, QueueItem } from '../api/types';
import { quoteOf } from './CoderVersions';

export interface Edit {
  start: number;
  end: number;
  code_ids: number[];
}

export function EditDecision(props: {
  item: QueueItem;
  codes: Code[];
  busy: boolean;
  onSave: (edit: Edit) => void;
  onCancel: () => void;
}) {
  const { item, codes, busy, onSave, onCancel } = props;
  const used = [...new Set(item.codings.flatMap((c) => c.annotations.flatMap((a) => a.code_ids)))];
  const [start, setStart] = useState(item.start);
  const [end, setEnd] = useState(item.end);
  const [codeIds, setCodeIds] = useState<number[]>(used);
  const first = useRef<HTMLInputElement | null>(null);
  useEffect(() => first.current?.focus(), []);
  const valid = end > start && codeIds.length > 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) onSave({ start, end, code_ids: codeIds });
  };
  const name = (id: number) => codes.find((c) => c.id === id)?.name ?? `code ${id}`;
  return (
    <Box
      component="form"
      aria-label="Edit the consensus version"
      data-testid="decision-edit"
      onSubmit={submit}
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      sx={{ display: 'grid', gap: 1, my: 1, p: 1, border: 1, borderColor: 'divider', borderRadius: 1 }}
    >
      <Box sx={{ display: 'flex', gap: 1 }}>
        <TextField
          size="small"
          type="number"
          label="Start (character)"
          value={start}
          inputRef={first}
          onChange={(e) => setStart(Number(e.target.value))}
          slotProps={{ htmlInput: { min: 0, 'data-testid': 'edit-start' } }}
        />
        <TextField
          size="small"
          type="number"
          label="End (character)"
          value={end}
          onChange={(e) => setEnd(Number(e.target.value))}
          slotProps={{ htmlInput: { min: 0, 'data-testid': 'edit-end' } }}
        />
      </Box>
      <Autocomplete
        multiple
        size="small"
        options={codes.filter((c) => c.codable !== false).map((c) => c.id)}
        getOptionLabel={name}
        value={codeIds}
        onChange={(_, v) => setCodeIds(v)}
        renderInput={(p) => <TextField {...p} label="Codes" />}
      />
      <blockquote className="ew-quote" data-testid="edit-preview">
        {quoteOf(item, start, end) || '(outside the region: the reader shows it)'}
      </blockquote>
      <Box sx={{ display: 'flex', gap: 1 }}>
        <Button type="submit" variant="contained" disabled={busy || !valid} data-testid="edit-save">
          Save as the consensus (Enter)
        </Button>
        <Button onClick={onCancel}>Cancel (Esc)</Button>
      </Box>
    </Box>
  );
}
