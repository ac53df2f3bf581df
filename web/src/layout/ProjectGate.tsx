/** Makes sure a project is chosen before any project screen renders. */
import { useEffect, type ReactNode } from 'react';
import { Alert, Box, Button, CircularProgress } from '@mui/material';
import { Link } from 'react-router-dom';
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
  if (error) return <Alert severity="error">{error.message}</Alert>;
  if (!data?.length) {
    return (
      <Box sx={{ p: 3 }}>
        <Alert
          severity="info"
          action={
            <Button component={Link} to="/projects/new" color="inherit">
              Create a project
            </Button>
          }
        >
          You are not a member of any project yet. Create one, or ask a project admin to add you.
        </Alert>
      </Box>
    );
  }
  if (!known) return null;
  return (
    <div key={pid} style={{ display: 'contents' }}>
      {children}
    </div>
  );
}
