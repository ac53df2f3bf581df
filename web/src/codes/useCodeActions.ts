/**
 * Codebook writes (admins): create, update (rename, move, recolour), merge, delete,
 * restore, import. Each pushes its undo: the code back as it stood in the codebook version
 * before the one the change made (revert), the merge taken apart (unmerge), or the
 * imported codes deleted (restorable).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useNotify } from 'react-admin';
import { call } from '../api/client';
import { inProject, useProjectId } from '../api/project';
import type { Code, CodeCreate, CodeUpdate } from '../api/types';
import { pushUndo } from '../common/undo';

export function useCodeActions() {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const done = (message: string, undoShown = false) => {
    void queryClient.invalidateQueries({ queryKey: ['codes'] });
    if (!undoShown) notify(message); // else the undo notice says it, with its Undo
  };
  const one = (code: Code) => ({ ...inProject(pid), code_id: code.id });
  /** The undo of the change just made to `code`: back to the codebook version before it. */
  const undoable = async (code: Code, label: string) => {
    const versions = await call('get', '/api/projects/{project_id}/codes/versions', { path: inProject(pid) });
    const made = [...versions].reverse().find((v) => v.code_id === code.id);
    if (!made) return false;
    const body = { codebook_version: made.number - 1 };
    pushUndo(label, () => call('post', '/api/projects/{project_id}/codes/{code_id}/revert', { path: one(code), body }));
    return true;
  };
  return {
    create: async (body: CodeCreate) => {
      const json = await call('post', '/api/projects/{project_id}/codes', { path: inProject(pid), body });
      const label = `Code “${json.name}” created`;
      done(label, await undoable(json, label));
      return json;
    },
    update: async (code: Code, body: CodeUpdate) => {
      const json = await call('patch', '/api/projects/{project_id}/codes/{code_id}', { path: one(code), body });
      const label = `Code “${json.name}” saved`;
      done(label, await undoable(json, label));
      return json;
    },
    merge: async (source: Code, into: Code) => {
      const body = { into: into.id };
      await call('post', '/api/projects/{project_id}/codes/{code_id}/merge', { path: one(source), body });
      const label = `“${source.name}” merged into “${into.name}”`;
      pushUndo(label, () => call('post', '/api/projects/{project_id}/codes/{code_id}/unmerge', { path: one(source) }));
      done(label, true);
    },
    remove: async (code: Code, force: boolean) => {
      await call('delete', '/api/projects/{project_id}/codes/{code_id}', { path: one(code), query: { force } });
      const label = `Code “${code.name}” deleted`;
      done(label, await undoable(code, label));
    },
    restore: async (code: Code) => {
      await call('post', '/api/projects/{project_id}/codes/{code_id}/restore', { path: one(code) });
      const label = `Code “${code.name}” restored`;
      done(label, await undoable(code, label));
    },
    importFile: async (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      const json = await call('post', '/api/projects/{project_id}/codes/import', { path: inProject(pid), body: form });
      const label = `Imported ${json.created} codes (${json.skipped} already there)`;
      // The undo deletes what the import made, newest first (sub-codes before their parents).
      const made = [...json.created_ids].reverse();
      if (made.length)
        pushUndo(label, async () => {
          for (const id of made)
            await call('delete', '/api/projects/{project_id}/codes/{code_id}', {
              path: { ...inProject(pid), code_id: id },
            });
        });
      done(label, made.length > 0);
    },
  };
}
