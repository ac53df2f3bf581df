/** The coding popover: codes (search, recent), memo; a failed save keeps it all. */
import { errorMessage } from '../api/errors';
import { useState } from 'react';
import { Alert, Button, Popover, TextField } from '@mui/material';
import { call } from '../api/client';
import { inProject, useProjectId } from '../api/project';
import type { Code } from '../api/types';
import { useQueryClient } from '@tanstack/react-query';
import { paperProps } from '../common/paperProps';
import { CodePicker } from './CodePicker';
import { recentCodes } from './recentCodes';
import type { Draft } from './useAnnotationActions';

interface Props {
  anchor: { top: number; left: number } | null;
  title: string;
  quote: string;
  codes: Code[];
  initial?: Draft;
  canCreateCodes: boolean;
  onSave: (draft: Draft) => Promise<unknown>;
  onClose: () => void;
}

export function CodePopover({ anchor, title, quote, codes, initial, canCreateCodes, onSave, onClose }: Props) {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<number[]>(initial?.code_ids ?? []);
  const [memo, setMemo] = useState(initial?.memo ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    if (!selected.length && !memo.trim()) {
      setError('Choose at least one code or write a memo.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSave({ code_ids: selected, memo: memo.trim() || null });
    } catch (err) {
      setError(errorMessage(err)); // keep codes and memo as typed
    } finally {
      setBusy(false);
    }
  };

  const createCode = async (name: string) => {
    const code = await call('post', '/api/projects/{project_id}/codes', {
      path: inProject(pid),
      body: { name, kind: 'other' },
    });
    await queryClient.invalidateQueries({ queryKey: ['codes'] });
    return code;
  };

  return (
    <Popover
      open={!!anchor}
      anchorReference="anchorPosition"
      anchorPosition={anchor ?? { top: 0, left: 0 }}
      onClose={onClose}
      slotProps={{ paper: { ...paperProps(title, 'code-popover'), className: 'ew-popover' } }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="ew-popover-head">{title}</div>
        <blockquote className="ew-quote" data-testid="code-popover-quote">
          {quote.length > 240 ? `${quote.slice(0, 240)}…` : quote}
        </blockquote>
        <CodePicker
          codes={codes}
          selected={selected}
          recent={pid != null ? recentCodes(pid) : []}
          onChange={setSelected}
          onCreate={canCreateCodes ? createCode : undefined}
          onSubmit={() => void save()}
        />
        <TextField
          label="Memo"
          multiline
          minRows={2}
          maxRows={8}
          fullWidth
          size="small"
          value={memo}
          onChange={(e) => setMemo(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void save();
            }
          }}
          sx={{ mt: 1 }}
          slotProps={{ htmlInput: { 'data-testid': 'code-popover-memo' } }}
        />
        {error && (
          <Alert severity="error" role="alert" sx={{ mt: 1 }}>
            {error}
          </Alert>
        )}
        <div className="ew-popover-actions">
          <span className="ew-muted">Ctrl+Enter saves · Esc cancels</span>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy} data-testid="code-popover-save">
            {busy ? 'Saving…' : 'Apply'}
          </Button>
        </div>
      </form>
    </Popover>
  );
}
