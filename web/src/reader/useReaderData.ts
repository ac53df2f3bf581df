/** Everything the reader shows for one document, kept live from the event stream. */
import { useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useProjectEvents } from '../api/events';
import { call, listAll } from '../api/client';
import { inProject, useProjectId } from '../api/project';
import { currentUser } from '../api/authProvider';
import { buildBlocks } from './blocks';
import { codePointToUtf16 } from './utf16';

export function annotationsKey(pid: number | null, docId: number, versionId: number | null | undefined) {
  return ['annotations', 'reader', pid, docId, versionId];
}

export function useReaderData(docId: number) {
  const pid = useProjectId();
  const queryClient = useQueryClient();
  const doc = useQuery({
    queryKey: ['documents', 'one', pid, docId],
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/documents/{document_id}', {
        path: { ...inProject(pid), document_id: docId },
        signal,
      }),
  });
  const versionId = doc.data?.current_version_id;
  const version = useQuery({
    queryKey: ['versions', pid, docId, versionId],
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/documents/{document_id}/versions/{version_id}', {
        path: { ...inProject(pid), document_id: docId, version_id: versionId ?? 0 },
        signal,
      }),
    enabled: versionId != null,
    staleTime: Infinity,
  });
  const passages = useQuery({
    queryKey: ['passages', pid, docId, versionId],
    queryFn: () =>
      listAll(
        '/api/projects/{project_id}/documents/{document_id}/passages',
        { ...inProject(pid), document_id: docId },
        { version_id: versionId },
        ['ordinal', 'ASC'],
      ),
    enabled: versionId != null,
    staleTime: Infinity,
  });
  const annotations = useQuery({
    queryKey: annotationsKey(pid, docId, versionId),
    queryFn: () =>
      listAll('/api/projects/{project_id}/annotations', inProject(pid), { document_id: docId, version_id: versionId }, [
        'start',
        'ASC',
      ]),
    enabled: versionId != null,
  });
  const orphaned = useQuery({
    queryKey: ['annotations', 'orphaned', pid, docId],
    queryFn: () =>
      listAll('/api/projects/{project_id}/annotations', inProject(pid), { document_id: docId, orphaned: true }, [
        'start',
        'ASC',
      ]),
  });

  // Colleagues' changes: refetch (debounced), flash what others added, flag new versions.
  const [newVersion, setNewVersion] = useState(false);
  const [flash, setFlash] = useState<Set<number>>(new Set());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useProjectEvents((e) => {
    if (e.kind.startsWith('document.') && e.id === docId && e.kind !== 'document.created') {
      setNewVersion(true);
      return;
    }
    if (!e.kind.startsWith('annotation.') || e.document_id !== docId) return;
    if (e.id != null && e.user_id !== currentUser()?.id && e.kind === 'annotation.create') {
      const id = e.id;
      setFlash((s) => new Set(s).add(id));
      setTimeout(
        () =>
          setFlash((s) => {
            const n = new Set(s);
            n.delete(id);
            return n;
          }),
        5000,
      );
    }
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      void queryClient.invalidateQueries({ queryKey: annotationsKey(pid, docId, versionId) });
      void queryClient.invalidateQueries({ queryKey: ['annotations', 'orphaned', pid, docId] });
    }, 250);
  });

  const layout = useMemo(() => {
    if (!version.data || !passages.data) return null;
    const text = version.data.text;
    const toUtf16 = codePointToUtf16(text);
    return { text, toUtf16, blocks: buildBlocks(text, passages.data, version.data.page_offsets ?? [], toUtf16) };
  }, [version.data, passages.data]);

  const error = doc.error ?? version.error ?? passages.error ?? annotations.error;
  return {
    document: doc.data,
    version: version.data,
    passages: passages.data,
    layout,
    annotations: annotations.data ?? [],
    orphaned: orphaned.data ?? [],
    loading: doc.isPending || (versionId != null && (version.isPending || passages.isPending)),
    error,
    newVersion,
    flash,
  };
}
