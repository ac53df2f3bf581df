/** Pick coded passages (annotations) as evidence for one part of a CMOC. */
import { useMemo, useState } from 'react';
import {
  Autocomplete,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  TextField,
} from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useGetMany } from 'react-admin';
import { call } from '../api/client';
import { inProject, useProjectId } from '../api/project';
import type { DocumentRecord, Evidence, Part, Stance } from '../api/types';
import { choiceOf } from '../common/choices';
import { CodeChip } from '../common/CodeChip';
import { fold, treeRows } from '../common/codes';
import { useCodes } from '../common/useProjectData';
import { STANCES } from './choices';

interface Props {
  part: Part;
  taken: number[];
  onPick: (items: Evidence[]) => void;
  onClose: () => void;
}

export function AnnotationPicker({ part, taken, onPick, onClose }: Props) {
  const pid = useProjectId();
  const { data: codes = [] } = useCodes();
  const rows = useMemo(() => treeRows(codes), [codes]);
  const [codeIds, setCodeIds] = useState<number[]>(() =>
    codes.filter((c) => c.effective_kind === part && c.parent_id == null).map((c) => c.id),
  );
  const [text, setText] = useState('');
  const [stance, setStance] = useState<Stance>('supports');
  const [chosen, setChosen] = useState<number[]>([]);
  const {
    data = [],
    isFetching,
    error,
  } = useQuery({
    queryKey: ['annotations', 'picker', pid, codeIds],
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/annotations', {
        path: inProject(pid),
        query: {
          filter: JSON.stringify(codeIds.length ? { code_id: codeIds } : {}),
          sort: JSON.stringify(['created_at', 'DESC']),
          range: JSON.stringify([0, 299]),
        },
        signal,
      }),
  });
  const { data: docs = [] } = useGetMany<DocumentRecord>('documents', {
    ids: [...new Set(data.map((a) => a.document_id))],
  });
  const shown = data.filter((a) => !taken.includes(a.id) && (!text || fold(a.exact).includes(fold(text))));
  const toggle = (id: number) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));

  return (
    <Dialog
      open
      onClose={onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="picker-title"
      data-testid="annotation-picker"
    >
      <DialogTitle id="picker-title">Add {part} evidence</DialogTitle>
      <DialogContent>
        <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center', paddingTop: 6 }}>
          <Autocomplete
            multiple
            size="small"
            sx={{ minWidth: 320, flex: 1 }}
            options={rows.map((r) => r.code.id)}
            getOptionLabel={(id) => rows.find((r) => r.code.id === id)?.path ?? String(id)}
            value={codeIds}
            onChange={(_, v) => setCodeIds(v)}
            renderInput={(params) => <TextField {...params} label="Coded with (and sub-codes)" />}
          />
          <TextField size="small" label="Quote contains" value={text} onChange={(e) => setText(e.target.value)} />
          <TextField
            select
            size="small"
            label="Stance"
            value={stance}
            onChange={(e) => setStance(choiceOf(STANCES, e.target.value, stance))}
            sx={{ minWidth: 120 }}
          >
            {STANCES.map((s) => (
              <MenuItem key={s.id} value={s.id}>
                {s.name}
              </MenuItem>
            ))}
          </TextField>
        </div>
        {error && (
          <p className="ew-error-text" role="alert">
            {error.message}
          </p>
        )}
        {isFetching && <p className="ew-muted">Loading…</p>}
        <ul className="ew-pick-list" aria-label="Coded passages">
          {shown.map((a) => {
            const doc = docs.find((d) => d.id === a.document_id);
            return (
              <li key={a.id}>
                <label className="ew-pick-item" data-testid="picker-item">
                  <input type="checkbox" checked={chosen.includes(a.id)} onChange={() => toggle(a.id)} />
                  <span>
                    <span className="ew-muted">
                      {doc?.title ?? `document ${a.document_id}`}
                      {a.page != null && `, p. ${a.page}`} · {a.author_name}
                    </span>{' '}
                    {a.code_ids.map((id) => (
                      <CodeChip key={id} code={codes.find((c) => c.id === id)} />
                    ))}
                    <span className="ew-pick-quote">{a.exact.slice(0, 300)}</span>
                  </span>
                </label>
              </li>
            );
          })}
          {!isFetching && !shown.length && <li className="ew-muted">No coded passages match.</li>}
        </ul>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          disabled={!chosen.length}
          data-testid="picker-add"
          onClick={() => {
            onPick(
              data
                .filter((a) => chosen.includes(a.id))
                .map((a) => ({
                  annotation_id: a.id,
                  part,
                  stance,
                  note: '',
                  document_id: a.document_id,
                  exact: a.exact,
                  page: a.page,
                })),
            );
            onClose();
          }}
        >
          Add {chosen.length || ''} as {part} evidence
        </Button>
      </DialogActions>
    </Dialog>
  );
}
