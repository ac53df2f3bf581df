/** Makes sure a project is chosen before any project screen renders. */
import { useEffect, type ReactNode } from 'react';
import { Alert, Box, CircularProgress } from '@mui/material';
import { setProjectId, useProjectId } from '../api/project';
import { useProjects } from '../common/useProjectData';

export function ProjectGate({ children }: { children: ReactNode }) {
  const pid = useProjectId();
  const { data, error, isPending } = useProjects();
  const known = data?.some((p) => p.id === pid);
  useEffect(() => {
    if (data && !known) setProjectId(data.length ? data[0].id : null);
  }, [data, known]);
  if (isPending) return <CircularProgress aria-label="Loading projects" sx={{ m: 4 }} />;
  if (error) return <Alert severity="error">{(error as Error).message}</Alert>;
  if (!data?.length) {
    return (
      <Box sx={{ p: 3 }}>
        <Alert severity="info">
          You are not a member of any project yet. Ask a project admin to add you, or an account admin can create one with{' '}
          <code>evidence projects create "Name" --owner you@example.org</code>.
        </Alert>
      </Box>
    );
  }
  if (!known) return null;
  return <div key={pid} style={{ display: "contents" }}>{children}</div>;
}
