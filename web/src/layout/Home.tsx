/** Project home: search straight away, and what happened lately. */
import { useState } from 'react';
import { Box, Button, TextField, Typography } from '@mui/material';
import { Title, useGetList } from 'react-admin';
import { Link, useNavigate } from 'react-router-dom';
import { useProjectId } from '../api/project';
import type { DocumentRecord, IngestJob } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { useCodes, useProjects } from '../common/useProjectData';

export default function Home() {
  const pid = useProjectId();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const project = useProjects().data?.find((p) => p.id === pid);
  const { data: codes = [] } = useCodes();
  const docs = useGetList<DocumentRecord>('documents', {
    pagination: { page: 1, perPage: 8 },
    sort: { field: 'updated_at', order: 'DESC' },
  });
  const jobs = useGetList<IngestJob>('jobs', {
    pagination: { page: 1, perPage: 5 },
    sort: { field: 'id', order: 'DESC' },
    filter: { state: ['queued', 'running', 'failed'] },
  });
  return (
    <Box sx={{ p: 2, maxWidth: 960 }}>
      <Title title={project?.name ?? 'Home'} />
      <Typography component="h2" variant="h6">
        {project?.name}
      </Typography>
      {project?.description && <p className="ew-muted">{project.description}</p>}
      <Box
        component="form"
        role="search"
        sx={{ display: 'flex', gap: 1, my: 2 }}
        onSubmit={(e) => {
          e.preventDefault();
          if (q.trim()) void navigate(`/search?q=${encodeURIComponent(q.trim())}`);
        }}
      >
        <TextField
          fullWidth
          size="small"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="Search the project"
          slotProps={{ htmlInput: { 'aria-label': 'Search the project' } }}
        />
        <Button type="submit" variant="contained">
          Search
        </Button>
      </Box>
      <p>
        {docs.total ?? '…'} documents · {codes.length} codes · your role: {project?.role}
      </p>
      <h2 className="ew-h2">Recently changed documents</h2>
      <ul className="ew-plainlist">
        {(docs.data ?? []).map((d) => (
          <li key={d.id}>
            <Link to={`/read/${d.id}`}>{d.title}</Link>{' '}
            <span className="ew-muted">
              {d.organisation} {d.date}
            </span>{' '}
            {d.status !== 'ready' && <StatusChip status={d.status} />}
          </li>
        ))}
      </ul>
      {jobs.data && jobs.data.length > 0 && (
        <>
          <h2 className="ew-h2">Ingest jobs needing attention</h2>
          <ul className="ew-plainlist">
            {jobs.data.map((j) => (
              <li key={j.id}>
                <StatusChip status={j.state} /> {j.original_filename}{' '}
                {j.error && <span className="ew-error-text">{j.error}</span>}
              </li>
            ))}
          </ul>
          <Link to="/jobs">All ingest jobs</Link>
        </>
      )}
    </Box>
  );
}
