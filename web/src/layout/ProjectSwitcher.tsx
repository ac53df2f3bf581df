/** Chooses the current project (remembered in localStorage); clears cached project data. */
import type { HTMLAttributes } from 'react';
import { MenuItem, TextField } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { setProjectId, useProjectId } from '../api/project';
import { useProjects } from '../common/useProjectData';

export function useSwitchProject() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return (id: number) => {
    setProjectId(id);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'projects' });
    void navigate('/');
  };
}

// MUI types SelectDisplayProps as div attributes, whose literal leaves out data-* keys.
const DISPLAY_PROPS: HTMLAttributes<HTMLDivElement> & { 'data-testid': string } = {
  'aria-label': 'Project',
  'data-testid': 'project-switcher',
};

export function ProjectSwitcher() {
  const pid = useProjectId();
  const { data } = useProjects();
  const switchTo = useSwitchProject();
  if (!data?.length) return null;
  return (
    <TextField
      select
      size="small"
      variant="standard"
      value={data.some((p) => p.id === pid) ? pid : ''}
      onChange={(e) => switchTo(Number(e.target.value))}
      slotProps={{
        htmlInput: { 'aria-label': 'Project', 'data-testid': 'project-switcher' },
        select: { SelectDisplayProps: DISPLAY_PROPS },
      }}
      sx={{
        flex: '0 0 auto',
        minWidth: 180,
        maxWidth: 320,
        mx: 1,
        '& .MuiInputBase-root': { color: 'inherit' },
        '& .MuiSvgIcon-root': { color: 'inherit' },
      }}
    >
      {data.map((p) => (
        <MenuItem key={p.id} value={p.id}>
          {p.name} <span style={{ opacity: 0.6, marginLeft: 6 }}>({p.role})</span>
        </MenuItem>
      ))}
    </TextField>
  );
}
