/** The codebook tree: C/M/O kinds and colours, usage counts; admins create, rename, move, merge. */
import { errorMessage } from '../api/errors';
import { Fragment, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Box,
  Button,
  Checkbox,
  Dialog as MuiDialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
} from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Title, useNotify } from 'react-admin';
import { getJson } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import type { Code } from '../api/types';
import { KindBadge } from '../common/CodeChip';
import { colourOf, fold, kindGroups, treeRows } from '../common/codes';
import { useCodes, useProjectRole } from '../common/useProjectData';
import { CodeDialog } from './CodeDialog';
import { PickCodeDialog } from './PickCodeDialog';
import { useCodeActions } from './useCodeActions';

type Dialog =
  { kind: 'new'; parent: number | null } | { kind: 'edit' | 'move' | 'merge' | 'delete'; code: Code } | null;

export default function CodebookPage() {
  const pid = useProjectId();
  const { data: codes = [], error } = useCodes();
  const { isAdmin } = useProjectRole();
  const actions = useCodeActions();
  const notify = useNotify();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [collapsed, setCollapsed] = useState<Set<number>>(new Set());
  const [filter, setFilter] = useState('');
  const [showDeleted, setShowDeleted] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const deleted = useQuery({
    queryKey: ['codes', 'deleted', pid],
    queryFn: () => getJson<Code[]>(projectPath('/codes', pid), { deleted: true }),
    enabled: showDeleted,
  });

  const rows = useMemo(() => {
    const all = treeRows(codes);
    if (filter.trim()) return all.filter((r) => fold(r.path).includes(fold(filter.trim())));
    const hidden = new Set<number>();
    return all.filter((r) => {
      if (r.code.parent_id != null && (collapsed.has(r.code.parent_id) || hidden.has(r.code.parent_id))) {
        hidden.add(r.code.id);
        return false;
      }
      return true;
    });
  }, [codes, collapsed, filter]);
  const groups = useMemo(() => kindGroups(rows), [rows]);

  const run = (p: Promise<unknown>) => void p.catch((err) => notify(errorMessage(err), { type: 'error' }));
  const toggle = (id: number) =>
    setCollapsed((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <Box sx={{ p: 1 }}>
      <Title title="Codebook" />
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap', mb: 1 }}>
        <input
          className="ew-input"
          style={{ width: 240 }}
          placeholder="Filter codes"
          aria-label="Filter codes"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        {isAdmin && (
          <Button variant="contained" onClick={() => setDialog({ kind: 'new', parent: null })} data-testid="code-new">
            New code
          </Button>
        )}
        <a href={projectPath('/codes/export?format=qdc', pid)} download data-testid="export-link-codebook-qdc">
          Export REFI-QDA (.qdc)
        </a>
        <a href={projectPath('/codes/export?format=csv', pid)} download data-testid="export-link-codebook-csv">
          Export CSV
        </a>
        {isAdmin && (
          <>
            <Button onClick={() => fileInput.current?.click()}>Import .qdc / .csv</Button>
            <input
              ref={fileInput}
              type="file"
              accept=".qdc,.xml,.csv"
              hidden
              aria-label="Codebook file to import"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) run(actions.importFile(f));
                e.target.value = '';
              }}
            />
          </>
        )}
        <FormControlLabel
          control={<Checkbox size="small" checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} />}
          label="Show deleted"
        />
      </Box>
      {error && <Alert severity="error">{error.message}</Alert>}
      <table className="ew-table ew-codetree" role="treegrid" aria-label="Codebook" data-testid="codebook-tree">
        <thead>
          <tr>
            <th>Code</th>
            <th>Kind</th>
            <th style={{ textAlign: 'right' }}>Used</th>
            <th>Definition</th>
            {isAdmin && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <Fragment key={g.kind}>
              <tr className="ew-kind-group" data-testid="code-kind-group">
                <th colSpan={isAdmin ? 5 : 4} scope="rowgroup">
                  {g.label} ({g.rows.length})
                </th>
              </tr>
              {g.rows.map((r) => (
                <tr
                  key={r.code.id}
                  aria-level={r.depth + 1}
                  aria-expanded={r.hasChildren ? !collapsed.has(r.code.id) : undefined}
                  data-testid="code-row"
                >
                  <td style={{ paddingLeft: 8 + r.depth * 18 }}>
                    {r.hasChildren ? (
                      <button
                        type="button"
                        className="ew-twisty"
                        aria-label={`${collapsed.has(r.code.id) ? 'Expand' : 'Collapse'} ${r.code.name}`}
                        onClick={() => toggle(r.code.id)}
                      >
                        {collapsed.has(r.code.id) ? '▸' : '▾'}
                      </button>
                    ) : (
                      <span className="ew-twisty" />
                    )}
                    <span className="ew-swatch" style={{ background: colourOf(r.code) }} aria-hidden="true" />
                    {filter || (r.depth === 0 && r.code.parent_id != null) ? r.path : r.code.name}
                  </td>
                  <td>
                    <KindBadge kind={r.code.effective_kind} inherited={r.code.kind == null} />
                  </td>
                  <td style={{ textAlign: 'right' }}>
                    <span data-testid="code-usage">{r.code.usage}</span>
                  </td>
                  <td className="ew-def">{r.code.definition}</td>
                  {isAdmin && (
                    <td className="ew-actions">
                      <button
                        type="button"
                        className="ew-linkbutton"
                        onClick={() => setDialog({ kind: 'edit', code: r.code })}
                      >
                        Rename/edit
                      </button>
                      <button
                        type="button"
                        className="ew-linkbutton"
                        onClick={() => setDialog({ kind: 'new', parent: r.code.id })}
                      >
                        Add child
                      </button>
                      <button
                        type="button"
                        className="ew-linkbutton"
                        onClick={() => setDialog({ kind: 'move', code: r.code })}
                      >
                        Move
                      </button>
                      <button
                        type="button"
                        className="ew-linkbutton"
                        onClick={() => setDialog({ kind: 'merge', code: r.code })}
                      >
                        Merge
                      </button>
                      <button
                        type="button"
                        className="ew-linkbutton ew-danger"
                        onClick={() => setDialog({ kind: 'delete', code: r.code })}
                      >
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </Fragment>
          ))}
          {!rows.length && (
            <tr>
              <td colSpan={5} className="ew-muted">
                No codes{filter ? ' match' : ' yet'}.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {showDeleted && (
        <section aria-label="Deleted codes" style={{ marginTop: 16 }}>
          <h2 className="ew-h2">Deleted codes</h2>
          <ul className="ew-plainlist">
            {(deleted.data ?? []).map((c) => (
              <li key={c.id}>
                {c.name}{' '}
                {c.merged_into && (
                  <span className="ew-muted">
                    (merged into {codes.find((x) => x.id === c.merged_into)?.name ?? c.merged_into})
                  </span>
                )}{' '}
                {isAdmin && (
                  <button type="button" className="ew-linkbutton" onClick={() => run(actions.restore(c))}>
                    Restore
                  </button>
                )}
              </li>
            ))}
            {deleted.data && !deleted.data.length && <li className="ew-muted">None.</li>}
          </ul>
        </section>
      )}
      {dialog?.kind === 'new' && (
        <CodeDialog
          open
          codes={codes}
          parentId={dialog.parent}
          onSave={actions.create}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'edit' && (
        <CodeDialog
          open
          codes={codes}
          code={dialog.code}
          onSave={(b) => actions.update(dialog.code, b)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'move' && (
        <PickCodeDialog
          mode="move"
          code={dialog.code}
          codes={codes}
          onPick={(t) => actions.update(dialog.code, { parent_id: t?.id ?? null })}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'merge' && (
        <PickCodeDialog
          mode="merge"
          code={dialog.code}
          codes={codes}
          onPick={(t) =>
            t ? actions.merge(dialog.code, t) : Promise.reject(new Error('Choose the code to merge into'))
          }
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteDialog
          code={dialog.code}
          onDelete={(force) => actions.remove(dialog.code, force)}
          onClose={() => setDialog(null)}
        />
      )}
    </Box>
  );
}

function DeleteDialog({
  code,
  onDelete,
  onClose,
}: {
  code: Code;
  onDelete: (force: boolean) => Promise<unknown>;
  onClose: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const used = code.usage > 0;
  return (
    <MuiDialog open onClose={onClose} aria-labelledby="delete-code-title">
      <DialogTitle id="delete-code-title">Delete “{code.name}”?</DialogTitle>
      <DialogContent>
        <p>
          {used
            ? `It is used by ${code.usage} annotations. They keep their text and other codes; this code is hidden from them until it is restored.`
            : 'It is not used. It can be restored later.'}
        </p>
        {error && (
          <Alert severity="error" role="alert">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="error"
          variant="contained"
          onClick={() => void onDelete(used).then(onClose, (err) => setError(errorMessage(err)))}
        >
          Delete
        </Button>
      </DialogActions>
    </MuiDialog>
  );
}
