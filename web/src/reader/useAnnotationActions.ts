/**
 * Create, edit and delete annotations. Edits send If-Match with the version read; a
 * 409 carries the current state, which becomes a conflict for the user to resolve.
 * Each change pushes its undo (../common/undo.ts): a delete for a create, a revert to
 * the version before for an edit, a restore for a delete.
 */
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { call } from '../api/client';
import { HttpError } from 'react-admin';
import { conflictCurrent, statusOf } from '../api/http';
import { inProject, useProjectId } from '../api/project';
import type { Annotation } from '../api/types';
import { pushUndo, takeUndo } from '../common/undo';
import { annotationsKey } from './useReaderData';
import { rememberCodes } from './recentCodes';

/** An admin's reason for deleting another coder's annotation; the CMOCs confirmed. */
export interface DeleteOptions {
  reason?: string;
  confirm?: number[];
}

export interface Draft {
  code_ids: number[];
  memo: string | null;
}

/**
 * The user's unsaved intent and the annotation as it now stands. `intent` says what
 * "apply mine" does: save the draft over theirs (restoring it first if they deleted it),
 * or delete theirs (the draft then shows what the user last saw, for comparison).
 */
export interface Conflict {
  intent: 'edit' | 'delete';
  mine: Draft;
  theirs: Annotation;
}

/** The CMO configurations a refused delete names (409 `configurations`), or undefined. */
export function evidenceOf(err: unknown): { id: number; title: string }[] | undefined {
  if (!(err instanceof HttpError) || statusOf(err) !== 409) return undefined;
  const body: unknown = err.body;
  if (!body || typeof body !== 'object' || !('configurations' in body)) return undefined;
  const list = body.configurations;
  // The delete route's 409 lists {id, title} per configuration (annotations/ownership.py).
  return Array.isArray(list) ? (list as { id: number; title: string }[]) : undefined;
}

export function useAnnotationActions(docId: number, versionId: number | null | undefined) {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const key = annotationsKey(pid, docId, versionId);
  const [conflict, setConflict] = useState<Conflict | null>(null);

  const put = (a: Annotation) =>
    queryClient.setQueryData<Annotation[]>(key, (list = []) => {
      const rest = list.filter((x) => x.id !== a.id);
      return a.deleted_at || a.version_id !== versionId
        ? rest
        : [...rest, a].sort((x, y) => x.start_utf16 - y.start_utf16);
    });
  const drop = (id: number) =>
    queryClient.setQueryData<Annotation[]>(key, (list = []) => list.filter((x) => x.id !== id));
  const refreshOrphans = () =>
    void queryClient.invalidateQueries({ queryKey: ['annotations', 'orphaned', pid, docId] });
  const one = (a: Annotation) => ({ ...inProject(pid), annotation_id: a.id });

  async function create(start: number, end: number, draft: Draft): Promise<Annotation> {
    const json = await call('post', '/api/projects/{project_id}/annotations', {
      path: inProject(pid),
      body: { document_id: docId, start, end, unit: 'utf16', code_ids: draft.code_ids, memo: draft.memo || null },
    });
    put(json);
    if (pid != null) rememberCodes(pid, draft.code_ids);
    pushUndo('Annotation created', () =>
      call('delete', '/api/projects/{project_id}/annotations/{annotation_id}', {
        path: one(json),
        ifMatch: json.version,
      }),
    );
    return json;
  }

  /** Back to version `to` of its history, as a new version (the history keeps both). */
  async function revert(a: Annotation, to: number, label = `Annotation reverted to v${to}`): Promise<Annotation> {
    const json = await call('post', '/api/projects/{project_id}/annotations/{annotation_id}/revert', {
      path: one(a),
      body: { to_version: to, version: a.version },
    });
    put(json);
    pushUndo(label, () =>
      call('post', '/api/projects/{project_id}/annotations/{annotation_id}/revert', {
        path: one(json),
        body: { to_version: a.version, version: json.version },
      }),
    );
    return json;
  }

  /** Resolves to null when the edit hit a conflict (then `conflict` is set). */
  async function update(a: Annotation, draft: Draft, version = a.version): Promise<Annotation | null> {
    try {
      const json = await call('patch', '/api/projects/{project_id}/annotations/{annotation_id}', {
        path: one(a),
        body: { code_ids: draft.code_ids, memo: draft.memo || null },
        ifMatch: version,
      });
      put(json);
      if (pid != null) rememberCodes(pid, draft.code_ids);
      setConflict(null);
      pushUndo('Annotation edited', () =>
        call('post', '/api/projects/{project_id}/annotations/{annotation_id}/revert', {
          path: one(json),
          body: { to_version: version, version: json.version },
        }),
      );
      return json;
    } catch (err) {
      const theirs = conflictCurrent<Annotation>(err);
      if (theirs) {
        setConflict({ intent: 'edit', mine: draft, theirs });
        return null;
      }
      throw err;
    }
  }

  /** Throws the API's refusals (403, a reason missing, CMOCs to confirm: evidenceOf). */
  async function remove(a: Annotation, options: DeleteOptions = {}): Promise<boolean> {
    try {
      await call('delete', '/api/projects/{project_id}/annotations/{annotation_id}', {
        path: one(a),
        ifMatch: a.version,
        query: { reason: options.reason, confirm_cmoc: options.confirm },
      });
      drop(a.id);
      if (a.orphaned) refreshOrphans();
      pushUndo('Annotation deleted', () =>
        call('post', '/api/projects/{project_id}/annotations/{annotation_id}/restore', { path: one(a) }),
      );
      return true;
    } catch (err) {
      const theirs = conflictCurrent<Annotation>(err);
      if (theirs?.deleted_at) {
        drop(a.id); // someone deleted it first: what the user wanted
        return true;
      }
      if (theirs) {
        setConflict({ intent: 'delete', mine: { code_ids: a.code_ids, memo: a.memo }, theirs });
        return false;
      }
      throw err;
    }
  }

  /** An orphan placed again: a new annotation with its codes and memo, the orphan deleted. */
  async function replace(orphan: Annotation, start: number, end: number): Promise<Annotation> {
    const created = await create(start, end, { code_ids: orphan.code_ids, memo: orphan.memo });
    await call('delete', '/api/projects/{project_id}/annotations/{annotation_id}', {
      path: one(orphan),
      ifMatch: orphan.version,
    });
    refreshOrphans();
    takeUndo(); // the create's own undo: one undo takes back the placing whole
    pushUndo('Orphan placed', async () => {
      await call('delete', '/api/projects/{project_id}/annotations/{annotation_id}', {
        path: one(created),
        ifMatch: created.version,
      });
      await call('post', '/api/projects/{project_id}/annotations/{annotation_id}/restore', { path: one(orphan) });
    });
    return created;
  }

  const keepTheirs = () => {
    if (conflict) put(conflict.theirs);
    setConflict(null);
  };

  /** Never loses the user's content: an edit of a deleted annotation restores it first. */
  const applyMine = async (): Promise<unknown> => {
    if (!conflict) return null;
    const { intent, mine, theirs } = conflict;
    if (intent === 'delete') {
      const removed = await remove(theirs);
      if (removed) setConflict(null);
      return removed;
    }
    if (!theirs.deleted_at) return update(theirs, mine, theirs.version);
    const restored = await call('post', '/api/projects/{project_id}/annotations/{annotation_id}/restore', {
      path: one(theirs),
    });
    return update(restored, mine, restored.version);
  };

  return {
    create,
    update,
    revert,
    remove,
    replace,
    conflict,
    keepTheirs,
    applyMine,
    dismissConflict: () => setConflict(null),
  };
}
