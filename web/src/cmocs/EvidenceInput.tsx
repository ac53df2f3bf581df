/** The CMOC builder's evidence: three columns (C, M, O), each item with a stance and note. */
import { useState } from 'react';
import { Button, IconButton, MenuItem, TextField } from '@mui/material';
import DeleteIcon from '@mui/icons-material/Close';
import { useGetMany, useInput } from 'react-admin';
import { Link } from 'react-router-dom';
import type { DocumentRecord, Evidence, Part } from '../api/types';
import { choiceOf } from '../common/choices';
import { KIND_COLOUR } from '../common/codes';
import { AnnotationPicker } from './AnnotationPicker';
import { PARTS, STANCES } from './choices';

export function EvidenceInput({ disabled }: { disabled?: boolean }) {
  const { field } = useInput<Evidence[]>({ source: 'evidence', defaultValue: [] });
  // The form field holds what the API answered (EvidencePublic) or the builder added (EvidenceIn).
  const items = (field.value ?? []) as Evidence[];
  const [picking, setPicking] = useState<Part | null>(null);
  const { data: docs = [] } = useGetMany<DocumentRecord>('documents', {
    ids: [...new Set(items.flatMap((e) => (e.document_id ? [e.document_id] : [])))],
  });
  const set = (next: Evidence[]) => field.onChange(next);
  const patch = (i: number, change: Partial<Evidence>) => set(items.map((e, j) => (j === i ? { ...e, ...change } : e)));

  return (
    <div className="ew-evidence" data-testid="cmoc-builder" role="group" aria-label="Evidence">
      {PARTS.map((part) => (
        <section
          key={part.id}
          className="ew-evidence-col"
          aria-label={`${part.name} evidence`}
          style={{ borderTopColor: KIND_COLOUR[part.kind] }}
        >
          <h2>{part.name}</h2>
          {items.map((e, i) =>
            e.part !== part.id ? null : (
              <article key={`${e.annotation_id}-${i}`} className="ew-evidence-item" data-testid="evidence-item">
                <blockquote className="ew-quote">
                  {(e.exact ?? '').slice(0, 260) || `annotation ${e.annotation_id}`}
                </blockquote>
                <div className="ew-muted">
                  {docs.find((d) => d.id === e.document_id)?.title ??
                    (e.document_id ? `document ${e.document_id}` : '')}
                  {e.page != null && `, p. ${e.page}`}
                  {e.document_id && (
                    <>
                      {' '}
                      · <Link to={`/read/${e.document_id}?annotation=${e.annotation_id}`}>open in reader</Link>
                    </>
                  )}
                </div>
                <div style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
                  <TextField
                    select
                    size="small"
                    variant="standard"
                    value={e.stance}
                    disabled={disabled}
                    onChange={(ev) => patch(i, { stance: choiceOf(STANCES, ev.target.value, e.stance ?? 'supports') })}
                    sx={{ minWidth: 100, flex: '0 0 auto' }}
                    slotProps={{ select: { inputProps: { 'aria-label': 'Stance' } } }}
                  >
                    {STANCES.map((s) => (
                      <MenuItem key={s.id} value={s.id}>
                        {s.name}
                      </MenuItem>
                    ))}
                  </TextField>
                  <TextField
                    size="small"
                    variant="standard"
                    placeholder="note"
                    value={e.note ?? ''}
                    disabled={disabled}
                    onChange={(ev) => patch(i, { note: ev.target.value })}
                    slotProps={{ htmlInput: { 'aria-label': 'Note' } }}
                    sx={{ flex: 1 }}
                  />
                  <IconButton
                    size="small"
                    aria-label="Remove evidence"
                    disabled={disabled}
                    onClick={() => set(items.filter((_, j) => j !== i))}
                  >
                    <DeleteIcon fontSize="inherit" />
                  </IconButton>
                </div>
              </article>
            ),
          )}
          <Button
            size="small"
            disabled={disabled}
            onClick={() => setPicking(part.id)}
            data-testid={`add-evidence-${part.id}`}
          >
            + Add {part.name.toLowerCase()} evidence
          </Button>
        </section>
      ))}
      {picking && (
        <AnnotationPicker
          part={picking}
          taken={items.filter((e) => e.part === picking).map((e) => e.annotation_id)}
          onPick={(more) => set([...items, ...more])}
          onClose={() => setPicking(null)}
        />
      )}
    </div>
  );
}
