/** Coding rounds as react-query data (backend/rounds): the list, one round, and who I am. */
import { useQuery } from '@tanstack/react-query';
import { useGetIdentity } from 'react-admin';
import { call, listAll } from '../api/client';
import { inProject, useProjectId } from '../api/project';
import type { Round } from '../api/types';

export function useRounds() {
  const pid = useProjectId();
  return useQuery({
    queryKey: ['rounds', 'all', pid],
    queryFn: ({ signal }) => call('get', '/api/projects/{project_id}/rounds', { path: inProject(pid), signal }),
    enabled: pid != null,
  });
}

export function useRound(roundId: number) {
  const pid = useProjectId();
  return useQuery({
    queryKey: ['rounds', 'one', pid, roundId],
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/rounds/{round_id}', {
        path: { ...inProject(pid), round_id: roundId },
        signal,
      }),
    enabled: pid != null && roundId > 0,
  });
}

/** The signed-in user's id (react-admin identity), null while it loads. */
export function useMyId(): number | null {
  const { identity } = useGetIdentity();
  return typeof identity?.id === 'number' ? identity.id : null;
}

/** The open blind rounds in which the caller codes blind (the server says: `blinded`),
 * those covering one document when it is given. */
export function blindFor(rounds: Round[] | undefined, documentId?: number): Round[] {
  return (rounds ?? []).filter((r) => r.blinded && (documentId == null || r.document_ids.includes(documentId)));
}

/** Every document of the project (id, title) for pickers and labels. */
export function useDocuments() {
  const pid = useProjectId();
  return useQuery({
    queryKey: ['documents', 'all', pid],
    queryFn: () => listAll('/api/projects/{project_id}/documents', inProject(pid)),
    enabled: pid != null,
  });
}
