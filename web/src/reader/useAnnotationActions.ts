/**
 * Create, edit and delete annotations. Edits send If-Match with the version read; a
 * 409 carries the current state, which becomes a conflict for the user to resolve.
 */
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import type { Annotation } from '../api/types';
import { annotationsKey } from './useReaderData';
import { rememberCodes } from './recentCodes';

export interface Draft {
  code_ids: number[];
  memo: string | null;
}

export interface Conflict {
  mine: Draft;
  theirs: Annotation;
}

export function useAnnotationActions(docId: number, versionId: number | null | undefined) {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const key = annotationsKey(pid, docId, versionId);
  const [conflict, setConflict] = useState<Conflict | null>(null);

  const put = (a: Annotation) =>
    queryClient.setQueryData<Annotation[]>(key, (list = []) => {
      const rest = list.filter((x) => x.id !== a.id);
      return a.deleted_at || a.version_id !== versionId ? rest : [...rest, a].sort((x, y) => x.start_utf16 - y.start_utf16);
    });
  const drop = (id: number) => queryClient.setQueryData<Annotation[]>(key, (list = []) => list.filter((x) => x.id !== id));
  const refreshOrphans = () => queryClient.invalidateQueries({ queryKey: ['annotations', 'orphaned', pid, docId] });

  async function create(start: number, end: number, draft: Draft): Promise<Annotation> {
    const { json } = await api<Annotation>(projectPath('/annotations', pid), {
      method: 'POST',
      body: { document_id: docId, start, end, unit: 'utf16', code_ids: draft.code_ids, memo: draft.memo || null },
    });
    put(json);
    if (pid != null) rememberCodes(pid, draft.code_ids);
    return json;
  }

  /** Resolves to null when the edit hit a conflict (then `conflict` is set). */
  async function update(a: Annotation, draft: Draft, version = a.version): Promise<Annotation | null> {
    try {
      const { json } = await api<Annotation>(projectPath(`/annotations/${a.id}`, pid), {
        method: 'PATCH',
        body: { code_ids: draft.code_ids, memo: draft.memo || null },
        ifMatch: version,
      });
      put(json);
      if (pid != null) rememberCodes(pid, draft.code_ids);
      setConflict(null);
      return json;
    } catch (err) {
      const e = err as { status?: number; body?: { current?: Annotation } };
      if (e.status === 409 && e.body?.current) {
        setConflict({ mine: draft, theirs: e.body.current });
        return null;
      }
      throw err;
    }
  }

  async function remove(a: Annotation): Promise<boolean> {
    try {
      await api(projectPath(`/annotations/${a.id}`, pid), { method: 'DELETE', ifMatch: a.version });
      drop(a.id);
      if (a.orphaned) refreshOrphans();
      return true;
    } catch (err) {
      const e = err as { status?: number; body?: { current?: Annotation } };
      if (e.status === 409 && e.body?.current) {
        setConflict({ mine: { code_ids: [], memo: null }, theirs: e.body.current });
        return false;
      }
      throw err;
    }
  }

  /** An orphan placed again: a new annotation with its codes and memo, the orphan deleted. */
  async function replace(orphan: Annotation, start: number, end: number): Promise<Annotation> {
    const created = await create(start, end, { code_ids: orphan.code_ids, memo: orphan.memo });
    await api(projectPath(`/annotations/${orphan.id}`, pid), { method: 'DELETE', ifMatch: orphan.version });
    refreshOrphans();
    return created;
  }

  const keepTheirs = () => {
    if (conflict) put(conflict.theirs);
    setConflict(null);
  };

  const applyMine = async () => {
    if (!conflict) return null;
    return update(conflict.theirs, conflict.mine, conflict.theirs.version);
  };

  return { create, update, remove, replace, conflict, keepTheirs, applyMine, dismissConflict: () => setConflict(null) };
}
