/** Keeps cached lists fresh from the project's event stream (colleagues' changes). */
import { useQueryClient } from '@tanstack/react-query';
import { useProjectEvents } from '../api/events';

const RESOURCE_OF: Record<string, string[]> = {
  annotation: ['annotations', 'codes', 'rounds'], // codes carry usage counts, rounds progress
  round: ['rounds', 'annotations'], // opening or closing a blind round changes what one sees
  code: ['codes', 'annotations'],
  document: ['documents', 'jobs'],
  theory: ['theories'],
  cmoc: ['cmocs', 'theories', 'triangulation'], // theories list their CMOCs
  member: ['members'],
};

export function LiveSync() {
  const queryClient = useQueryClient();
  useProjectEvents((event) => {
    const entity = event.kind.split('.')[0];
    for (const key of RESOURCE_OF[entity] ?? []) void queryClient.invalidateQueries({ queryKey: [key] });
  });
  return null;
}
