/** Codebook writes (admins): create, update (rename, move, recolour), merge, delete, restore. */
import { useQueryClient } from '@tanstack/react-query';
import { useNotify } from 'react-admin';
import { api } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import type { Code } from '../api/types';

export function useCodeActions() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const done = (message: string) => {
    queryClient.invalidateQueries({ queryKey: ['codes'] });
    notify(message);
  };
  const path = (rest = '') => projectPath(`/codes${rest}`, pid);
  return {
    create: async (body: Partial<Code>) => {
      const { json } = await api<Code>(path(), { method: 'POST', body });
      done(`Code “${json.name}” created`);
      return json;
    },
    update: async (code: Code, body: Partial<Code>) => {
      const { json } = await api<Code>(path(`/${code.id}`), { method: 'PATCH', body });
      done(`Code “${json.name}” saved`);
      return json;
    },
    merge: async (source: Code, into: Code) => {
      await api(path(`/${source.id}/merge`), { method: 'POST', body: { into: into.id } });
      done(`“${source.name}” merged into “${into.name}”`);
    },
    remove: async (code: Code, force: boolean) => {
      await api(path(`/${code.id}`), { method: 'DELETE', query: force ? { force: true } : undefined });
      done(`Code “${code.name}” deleted`);
    },
    restore: async (code: Code) => {
      await api(path(`/${code.id}/restore`), { method: 'POST' });
      done(`Code “${code.name}” restored`);
    },
    importFile: async (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      const { json } = await api<{ created: number; skipped: number }>(path('/import'), { method: 'POST', body: form });
      done(`Imported ${json.created} codes (${json.skipped} already there)`);
    },
  };
}
