/** Upload many files with per-file progress, then follow each ingest job to its outcome. */
import { errorMessage } from '../api/errors';
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { Alert, Box, LinearProgress, MenuItem, TextField, Typography } from '@mui/material';
import { Title } from 'react-admin';
import { Link } from 'react-router-dom';
import { call } from '../api/client';
import { inProject, projectPath } from '../api/project';
import type { IngestJob } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { useProjectRole } from '../common/useProjectData';
import { DOCUMENT_TYPES, SOURCE_TYPES } from './choices';
import { runLimited, uploadFile, type UploadOptions } from './upload';

interface Item {
  key: string;
  file: File;
  progress: number;
  state: 'waiting' | 'uploading' | 'refused' | 'queued' | 'running' | 'done' | 'failed';
  error?: string;
  job?: IngestJob;
}

const ACTIVE = new Set(['queued', 'running']);

export default function UploadPage() {
  const { canCode } = useProjectRole();
  const [items, setItems] = useState<Item[]>([]);
  const [options, setOptions] = useState<UploadOptions>({});
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const patch = (key: string, change: Partial<Item>) =>
    setItems((list) => list.map((it) => (it.key === key ? { ...it, ...change } : it)));

  const start = (files: File[]) => {
    const fresh: Item[] = files.map((file, i) => ({
      key: `${Date.now()}-${i}-${file.name}`,
      file,
      progress: 0,
      state: 'waiting',
    }));
    setItems((list) => [...fresh, ...list]);
    const url = projectPath('/ingest');
    void runLimited(
      fresh.map((it) => async () => {
        patch(it.key, { state: 'uploading' });
        try {
          const [job] = await uploadFile(url, it.file, options, (p) => patch(it.key, { progress: p })).promise;
          patch(it.key, { state: job.state, job, progress: 1 });
        } catch (err) {
          patch(it.key, { state: 'refused', error: errorMessage(err) });
        }
      }),
      2,
    );
  };

  // Follow queued and running jobs until they finish.
  const pending = items.flatMap((it) => (it.job && ACTIVE.has(it.state) ? [it.job.id] : []));
  const pendingKey = pending.join(',');
  useEffect(() => {
    if (!pending.length) return;
    const poll = async () => {
      try {
        const jobs = await call('get', '/api/projects/{project_id}/ingest/jobs', {
          path: inProject(),
          query: { filter: JSON.stringify({ id: pending }), range: JSON.stringify([0, pending.length - 1]) },
        });
        setItems((list) =>
          list.map((it) => {
            const job = jobs.find((j) => j.id === it.job?.id);
            return job ? { ...it, job, state: job.state, error: job.error ?? undefined } : it;
          }),
        );
      } catch {
        /* try again on the next tick */
      }
    };
    const timer = setInterval(() => void poll(), 1500);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pendingKey]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (canCode && e.dataTransfer.files.length) start(Array.from(e.dataTransfer.files));
  };

  return (
    <Box sx={{ p: 2, maxWidth: 960 }}>
      <Title title="Upload" />
      <Typography component="h2" variant="h6">
        Upload documents and transcripts
      </Typography>
      {!canCode && <Alert severity="info">Viewers cannot upload; ask a project admin for the coder role.</Alert>}
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', my: 1 }}>
        <TextField
          select
          label="Source type"
          size="small"
          sx={{ minWidth: 160 }}
          value={options.source_type ?? ''}
          onChange={(e) => setOptions({ ...options, source_type: e.target.value || undefined })}
        >
          <MenuItem value="">Guess from content</MenuItem>
          {SOURCE_TYPES.map((c) => (
            <MenuItem key={c.id} value={c.id}>
              {c.name}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Document type"
          size="small"
          sx={{ minWidth: 160 }}
          value={options.document_type ?? ''}
          onChange={(e) => setOptions({ ...options, document_type: e.target.value || undefined })}
        >
          <MenuItem value="">Guess from content</MenuItem>
          {DOCUMENT_TYPES.map((c) => (
            <MenuItem key={c.id} value={c.id}>
              {c.name}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          label="Organisation"
          size="small"
          value={options.organisation ?? ''}
          onChange={(e) => setOptions({ ...options, organisation: e.target.value || undefined })}
        />
      </Box>
      <Box
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`ew-dropzone${dragging ? ' ew-dropzone-active' : ''}`}
      >
        <p style={{ margin: 0 }}>Drop files here (PDF, Word, PowerPoint, Excel, HTML, Markdown, text), or</p>
        <input
          ref={input}
          id="upload-input"
          type="file"
          multiple
          disabled={!canCode}
          aria-label="Files to upload"
          data-testid="upload-input"
          onChange={(e) => {
            if (e.target.files?.length) start(Array.from(e.target.files));
            e.target.value = '';
          }}
          style={{ marginTop: 8 }}
        />
      </Box>
      {items.length > 0 && (
        <table className="ew-table" aria-label="Uploads" data-testid="upload-list">
          <thead>
            <tr>
              <th>File</th>
              <th style={{ width: 220 }}>Progress</th>
              <th>State</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {items.map((it) => (
              <tr key={it.key} data-testid="upload-row" data-state={it.state}>
                <td>
                  {it.file.name} <span className="ew-muted">({Math.ceil(it.file.size / 1024)} KB)</span>
                </td>
                <td>
                  <LinearProgress
                    variant={it.state === 'running' ? 'indeterminate' : 'determinate'}
                    value={Math.round(it.progress * 100)}
                    aria-label={`Upload progress for ${it.file.name}`}
                  />
                </td>
                <td>
                  <StatusChip
                    status={
                      it.state === 'refused'
                        ? 'failed'
                        : it.state === 'uploading' || it.state === 'waiting'
                          ? 'queued'
                          : it.state
                    }
                    label={it.state}
                  />
                </td>
                <td>
                  {it.error && (
                    <span role="alert" className="ew-error-text">
                      {it.error}
                    </span>
                  )}
                  {it.job?.state === 'done' && it.job.document_id && (
                    <Link to={`/read/${it.job.document_id}`}>
                      {(it.job.outcome ?? 'done').replace('_', ' ')} — open
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <Link to="/jobs">All ingest jobs</Link>
      </p>
    </Box>
  );
}
