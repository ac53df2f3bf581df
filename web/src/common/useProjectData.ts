/** Shared project-wide data (codebook, members, projects) cached by react-query. */
import { useQuery } from '@tanstack/react-query';
import { call } from '../api/client';
import { inProject, useProjectId } from '../api/project';
import type { Role } from '../api/types';

export function useProjects() {
  return useQuery({
    queryKey: ['projects', 'all'],
    queryFn: ({ signal }) => call('get', '/api/projects', { signal }),
    staleTime: 60_000,
  });
}

export function useCodes() {
  const pid = useProjectId();
  return useQuery({
    queryKey: ['codes', 'all', pid],
    queryFn: ({ signal }) => call('get', '/api/projects/{project_id}/codes', { path: inProject(pid), signal }),
    enabled: pid != null,
    staleTime: 30_000,
  });
}

export function useMembers() {
  const pid = useProjectId();
  return useQuery({
    queryKey: ['members', 'all', pid],
    queryFn: ({ signal }) => call('get', '/api/projects/{project_id}/members', { path: inProject(pid), signal }),
    enabled: pid != null,
    staleTime: 60_000,
  });
}

const RANK: Record<Role, number> = { viewer: 0, coder: 1, admin: 2 };

/** The caller's role in the current project, and what it allows. */
export function useProjectRole() {
  const pid = useProjectId();
  const { data } = useProjects();
  const role = data?.find((p) => p.id === pid)?.role ?? null;
  const rank = role ? RANK[role] : -1;
  return { role, canCode: rank >= RANK.coder, isAdmin: rank >= RANK.admin };
}
