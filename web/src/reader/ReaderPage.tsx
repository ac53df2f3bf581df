/** The reader: a document's text by page and heading, coding, live colleagues' work. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Box, Button, CircularProgress, Snackbar } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { Title, useNotify } from 'react-admin';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import type { Annotation } from '../api/types';
import { colourOf, descendantIds } from '../common/codes';
import { useCodes, useProjectRole } from '../common/useProjectData';
import { labelOf, SOURCE_TYPES } from '../documents/choices';
import { AnnotationDetails } from './AnnotationDetails';
import { AnnotationPanel, type Filters } from './AnnotationPanel';
import type { Block } from './blocks';
import { PENDING, type BlockLook } from './BlockView';
import { CodePopover } from './CodePopover';
import { ConflictDialog } from './ConflictDialog';
import type { Offsets } from './selection';
import { TextPane, type TextPaneHandle } from './TextPane';
import { useAnnotationActions } from './useAnnotationActions';
import { useReaderData } from './useReaderData';

type Anchor = { top: number; left: number };

export default function ReaderPage() {
  const docId = Number(useParams().documentId);
  const [params] = useSearchParams();
  const pid = useProjectId();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const data = useReaderData(docId);
  const { data: codes = [] } = useCodes();
  const { canCode, isAdmin } = useProjectRole();
  const actions = useAnnotationActions(docId, data.version?.id);
  const pane = useRef<TextPaneHandle>(null);

  const [filters, setFilters] = useState<Filters>({ coders: [], codes: [] });
  const [pending, setPending] = useState<(Offsets & { anchor: Anchor }) | null>(null);
  const [editing, setEditing] = useState<{ a: Annotation; anchor: Anchor } | null>(null);
  const [details, setDetails] = useState<{ ids: number[]; anchor: Anchor } | null>(null);
  const [placing, setPlacing] = useState<Annotation | null>(null);
  const [focused, setFocused] = useState<number | null>(null);
  const [undo, setUndo] = useState<Annotation | null>(null);
  const [top, setTop] = useState<Block | null>(null);

  const byId = useMemo(() => new Map(data.annotations.map((a) => [a.id, a])), [data.annotations]);
  const codeById = useMemo(() => new Map(codes.map((c) => [c.id, c])), [codes]);
  const visible = useMemo(() => {
    const wanted = filters.codes.length ? new Set(filters.codes.flatMap((id) => [...descendantIds(codes, id)])) : null;
    return data.annotations.filter(
      (a) => (!filters.coders.length || filters.coders.includes(a.author_id)) && (!wanted || a.code_ids.some((id) => wanted.has(id))),
    );
  }, [data.annotations, filters, codes]);
  const spans = useMemo(() => {
    const list = visible.map((a) => ({ id: a.id, start: a.start_utf16, end: a.end_utf16 }));
    return pending ? [...list, { id: PENDING, start: pending.start, end: pending.end }] : list;
  }, [visible, pending]);
  const look: BlockLook = useMemo(
    () => ({
      coloursOf: (id) => {
        const a = byId.get(id);
        return a?.code_ids.length ? a.code_ids.map((c) => colourOf(codeById.get(c))) : ['#8c8c8c'];
      },
      titleOf: (id) => {
        const a = byId.get(id);
        if (!a) return '';
        const names = a.code_ids.map((c) => codeById.get(c)?.name ?? '?').join(', ') || 'no code';
        return `${names} — ${a.author_name}${a.memo ? `: ${a.memo.slice(0, 80)}` : ''}`;
      },
      flash: data.flash,
      focused,
    }),
    [byId, codeById, data.flash, focused],
  );

  // Deep links: ?passage=, ?annotation=, ?page=, ?at= (UTF-16 offset)
  const jumped = useRef(false);
  useEffect(() => {
    if (jumped.current || !data.layout || !data.passages) return;
    const { blocks, toUtf16 } = data.layout;
    let offset: number | null = null;
    let align: 'center' | 'start' = 'center';
    const passage = Number(params.get('passage'));
    const annotation = Number(params.get('annotation'));
    const page = Number(params.get('page'));
    if (passage) {
      const p = data.passages.find((x) => x.id === passage);
      if (p) offset = toUtf16(p.start);
    } else if (annotation) {
      const a = byId.get(annotation);
      if (!a) return; // wait for annotations
      offset = a.start_utf16;
      setFocused(a.id);
    } else if (page) {
      offset = blocks.find((b) => b.page === page)?.start ?? null;
      align = 'start';
    }
    else if (params.get('at')) offset = Number(params.get('at'));
    jumped.current = true;
    if (offset != null) requestAnimationFrame(() => pane.current?.scrollToOffset(offset!, align));
  }, [data.layout, data.passages, byId, params]);

  const onSelect = useCallback(
    (sel: Offsets, anchor: Anchor) => {
      if (placing) {
        actions
          .replace(placing, sel.start, sel.end)
          .then(() => notify('Annotation placed on the new text'))
          .catch((err) => notify((err as Error).message, { type: 'error' }));
        setPlacing(null);
        return;
      }
      if (!canCode) return;
      setPending({ ...sel, anchor });
    },
    [placing, actions, canCode, notify],
  );

  const goTo = (a: Annotation) => {
    setFocused(a.id);
    pane.current?.scrollToOffset(a.start_utf16);
  };

  const remove = async (a: Annotation) => {
    setDetails(null);
    try {
      if (await actions.remove(a)) setUndo(a);
    } catch (err) {
      notify((err as Error).message, { type: 'error' });
    }
  };

  const restore = async () => {
    if (!undo) return;
    setUndo(null);
    try {
      await api(projectPath(`/annotations/${undo.id}/restore`, pid), { method: 'POST' });
      queryClient.invalidateQueries({ queryKey: ['annotations'] });
    } catch (err) {
      notify((err as Error).message, { type: 'error' });
    }
  };

  if (data.error) return <Alert severity="error" sx={{ m: 2 }}>{data.error.message}</Alert>;
  if (data.loading || !data.document) return <CircularProgress aria-label="Loading document" sx={{ m: 4 }} />;
  const doc = data.document;
  const layout = data.layout;
  const textLength = layout?.text.length ?? 0;

  return (
    <Box className="ew-reader">
      <Title title={doc.title} />
      <header className="ew-reader-head">
        <h2 className="ew-doc-title" data-testid="reader-title">{doc.title}</h2>
        <div className="ew-muted">
          {labelOf(SOURCE_TYPES, doc.source_type)} · {doc.document_type.replace('_', ' ')}
          {doc.organisation && <> · {doc.organisation}</>}
          {doc.date && <> · {doc.date}</>} · {doc.page_count ?? '?'} pages · v{data.version?.number}
          {' · '}<Link to={`/documents/${doc.id}`}>metadata</Link>
          {' · '}<a href={projectPath(`/documents/${doc.id}/original`, pid)}>original</a>
        </div>
        <div className="ew-position" aria-live="off" data-testid="reader-position">
          {top ? <>p. {top.page ?? '–'} {top.headingPath.length > 0 && <>· {top.headingPath.join(' › ')}</>}</> : null}
        </div>
        <p id="reader-keys" className="ew-muted ew-keys">
          {canCode ? 'Select text to code it. Keyboard: focus the text, Shift+arrows select (Ctrl for words, Up/Down for lines), C or Enter codes the selection, Esc clears.' : 'You can read and see coding; coding needs the coder role.'}
        </p>
        {data.newVersion && (
          <Alert severity="info" action={<Button onClick={() => window.location.reload()}>Reload</Button>}>
            A new version of this document was stored. Reload to read it (annotations are re-anchored).
          </Alert>
        )}
        {placing && (
          <Alert severity="info" action={<Button onClick={() => setPlacing(null)}>Cancel</Button>}>
            Select the text where “{placing.exact.slice(0, 60)}” belongs now.
          </Alert>
        )}
        {data.version?.status === 'needs_ocr' && <Alert severity="warning">{data.version.message ?? 'This document has no text layer (needs OCR).'}</Alert>}
      </header>
      <div className="ew-reader-body">
        {layout && textLength > 0 ? (
          <TextPane
            handle={pane}
            text={layout.text}
            blocks={layout.blocks}
            spans={spans}
            look={look}
            onSelect={onSelect}
            onMarkClick={(ids, anchor) => setDetails({ ids, anchor })}
            onTopBlock={(b) => setTop((t) => (t?.index === b.index ? t : b))}
          />
        ) : (
          <p className="ew-muted" style={{ padding: 16 }}>This version has no text.</p>
        )}
        <AnnotationPanel
          annotations={visible}
          all={data.annotations}
          orphaned={data.orphaned}
          codes={codes}
          blocks={layout?.blocks ?? []}
          filters={filters}
          onFilters={setFilters}
          onGo={goTo}
          onGoOffset={(o) => pane.current?.scrollToOffset(o, 'start')}
          onPlaceOrphan={setPlacing}
          onDeleteOrphan={remove}
          canCode={canCode}
        />
      </div>
      {pending && layout && (
        <CodePopover
          anchor={pending.anchor}
          title="Code the selection"
          quote={layout.text.slice(pending.start, pending.end)}
          codes={codes}
          canCreateCodes={isAdmin}
          onSave={async (draft) => {
            const created = await actions.create(pending.start, pending.end, draft);
            setPending(null);
            setFocused(created.id);
            document.getSelection()?.removeAllRanges();
            pane.current?.focus();
          }}
          onClose={() => { setPending(null); pane.current?.focus(); }}
        />
      )}
      {editing && (
        <CodePopover
          anchor={editing.anchor}
          title="Edit annotation"
          quote={editing.a.exact}
          codes={codes}
          initial={{ code_ids: editing.a.code_ids, memo: editing.a.memo }}
          canCreateCodes={isAdmin}
          onSave={async (draft) => {
            await actions.update(editing.a, draft);
            setEditing(null); // on conflict the dialog takes over
          }}
          onClose={() => setEditing(null)}
        />
      )}
      <AnnotationDetails
        anchor={details?.anchor ?? null}
        annotations={(details?.ids ?? []).map((id) => byId.get(id)).filter(Boolean) as Annotation[]}
        codes={codes}
        canEdit={() => canCode}
        onEdit={(a) => { setEditing({ a, anchor: details!.anchor }); setDetails(null); }}
        onDelete={remove}
        onClose={() => setDetails(null)}
      />
      <ConflictDialog conflict={actions.conflict} codes={codes} onKeepTheirs={actions.keepTheirs} onApplyMine={actions.applyMine} />
      <Snackbar
        open={!!undo}
        autoHideDuration={8000}
        onClose={() => setUndo(null)}
        message="Annotation deleted"
        action={<Button color="inherit" onClick={restore}>Undo</Button>}
      />
    </Box>
  );
}
