/** The reader: a document's text by page and heading, coding, live colleagues' work. */
import { errorMessage } from '../api/errors';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Box, Button, CircularProgress } from '@mui/material';
import { Title, useNotify } from 'react-admin';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { currentUser } from '../api/authProvider';
import { projectPath, useProjectId } from '../api/project';
import type { Annotation } from '../api/types';
import { colourOf, descendantIds } from '../common/codes';
import { useCodes, useProjectRole } from '../common/useProjectData';
import { labelOf, SOURCE_TYPES } from '../documents/choices';
import { OCR_LOW } from '../documents/provenance';
import { AnnotationDetails } from './AnnotationDetails';
import { AnnotationPanel, type Filters } from './AnnotationPanel';
import type { Block } from './blocks';
import { PENDING, TARGET_NOTE, type BlockLook } from './BlockView';
import { CodePopover } from './CodePopover';
import { ConflictDialog } from './ConflictDialog';
import { DeleteDialog, type PendingDelete } from './DeleteDialog';
import { HistoryDialog } from './HistoryDialog';
import { isLowPage, OcrNotice } from './OcrNotice';
import type { Offsets } from './selection';
import { offsetParam, readerTarget } from './target';
import { TextPane, type TextPaneHandle } from './TextPane';
import { BlindBanner } from '../rounds/BlindBanner';
import { evidenceOf, useAnnotationActions, type DeleteOptions } from './useAnnotationActions';
import { useReaderData } from './useReaderData';

type Anchor = { top: number; left: number };

export default function ReaderPage() {
  const docId = Number(useParams().documentId);
  const [params] = useSearchParams();
  const pid = useProjectId();
  const notify = useNotify();
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
  // The annotation a deep link (?annotation=) points at is focused until another is.
  const [chosen, setFocused] = useState<number | null>(null);
  const focused = chosen ?? (Number(params.get('annotation')) || null);
  // What a link opened the reader at (a search hit's or proposal's passage, a
  // disagreement's span) stays highlighted, exactly.
  const target = useMemo(
    () =>
      data.layout && data.passages
        ? readerTarget(params, data.layout.text.length, data.passages, data.layout.toUtf16)
        : null,
    [params, data.layout, data.passages],
  );
  const [deleting, setDeleting] = useState<PendingDelete | null>(null);
  const [historyOf, setHistoryOf] = useState<number | null>(null);
  const me = currentUser()?.id;
  // Only its owner edits an annotation; an admin also deletes anyone's (with a reason).
  // The API says whose it is (an imported coding linked to this account is theirs too).
  const own = (a: Annotation) => canCode && a.owner_id === me;
  const [top, setTop] = useState<Block | null>(null);

  const byId = useMemo(() => new Map(data.annotations.map((a) => [a.id, a])), [data.annotations]);
  const inHistory = historyOf != null ? (byId.get(historyOf) ?? null) : null;
  const codeById = useMemo(() => new Map(codes.map((c) => [c.id, c])), [codes]);
  const visible = useMemo(() => {
    const wanted = filters.codes.length ? new Set(filters.codes.flatMap((id) => [...descendantIds(codes, id)])) : null;
    return data.annotations.filter(
      (a) =>
        (!filters.coders.length || filters.coders.includes(a.author_id)) &&
        (!wanted || a.code_ids.some((id) => wanted.has(id))),
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
      target,
    }),
    [byId, codeById, data.flash, focused, target],
  );

  // Deep links: ?passage= or ?at=&to= (the target), ?annotation=, ?page=, ?at= (UTF-16 offset)
  const jumped = useRef(false);
  useEffect(() => {
    if (jumped.current || !data.layout || !data.passages) return;
    const { blocks, text } = data.layout;
    let offset: number | null = null;
    let align: 'center' | 'start' = 'center';
    const annotation = offsetParam(params.get('annotation'));
    const page = offsetParam(params.get('page'));
    const at = offsetParam(params.get('at'));
    if (target) offset = target.start;
    else if (annotation) {
      const a = byId.get(annotation);
      if (!a) return; // wait for annotations
      offset = a.start_utf16;
    } else if (page) {
      offset = blocks.find((b) => b.page === page)?.start ?? null;
      align = 'start';
    } else if (at != null && at <= text.length) offset = at;
    jumped.current = true;
    const to = offset;
    if (to != null) requestAnimationFrame(() => pane.current?.scrollToOffset(to, align));
  }, [data.layout, data.passages, byId, params, target]);

  const onSelect = useCallback(
    (sel: Offsets, anchor: Anchor) => {
      if (placing) {
        actions
          .replace(placing, sel.start, sel.end)
          .then(() => notify('Annotation placed on the new text'))
          .catch((err) => notify(errorMessage(err), { type: 'error' }));
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

  const tryRemove = async (a: Annotation, options: DeleteOptions) => {
    try {
      await actions.remove(a, options);
      setDeleting(null);
    } catch (err) {
      const configurations = evidenceOf(err);
      if (!configurations) throw err;
      setDeleting({ a, needsReason: !own(a), reason: options.reason, configurations });
    }
  };

  const remove = async (a: Annotation) => {
    setDetails(null);
    if (!own(a)) {
      setDeleting({ a, needsReason: true, configurations: [] });
      return;
    }
    try {
      await tryRemove(a, {});
    } catch (err) {
      notify(errorMessage(err), { type: 'error' });
    }
  };

  if (data.error)
    return (
      <Alert severity="error" sx={{ m: 2 }}>
        {data.error.message}
      </Alert>
    );
  if (data.loading || !data.document) return <CircularProgress aria-label="Loading document" sx={{ m: 4 }} />;
  const doc = data.document;
  const layout = data.layout;
  const textLength = layout?.text.length ?? 0;

  return (
    <Box className="ew-reader">
      <Title title={doc.title} />
      <header className="ew-reader-head">
        <h2 className="ew-doc-title" data-testid="reader-title">
          {doc.title}
        </h2>
        <div className="ew-muted">
          {labelOf(SOURCE_TYPES, doc.source_type)} · {doc.document_type.replace('_', ' ')}
          {doc.organisation && <> · {doc.organisation}</>}
          {doc.date && <> · {doc.date}</>} · {doc.page_count ?? '?'} pages · v{data.version?.number}
          {' · '}
          <Link to={`/documents/${doc.id}`}>metadata</Link>
          {' · '}
          <a href={projectPath(`/documents/${doc.id}/original`, pid)}>original</a>
        </div>
        <div className="ew-position" aria-live="off" data-testid="reader-position">
          {top ? (
            <>
              p. {top.page ?? '–'} {top.headingPath.length > 0 && <>· {top.headingPath.join(' › ')}</>}
              {isLowPage(data.version, top.page) && <> · {OCR_LOW}</>}
            </>
          ) : null}
        </div>
        <p id="reader-keys" className="ew-muted ew-keys">
          {canCode
            ? 'Select text to code it. Keyboard: focus the text, arrows move the caret (Ctrl for words, Up/Down for lines), Shift+arrows select from it, C or Enter codes the selection, Esc clears.'
            : 'You can read and see coding; coding needs the coder role.'}
        </p>
        {target && layout && (
          <p className="ew-muted ew-target-note" data-testid="reader-target-note">
            <span id={TARGET_NOTE}>
              Highlighted: the {params.has('passage') ? 'passage' : 'span'} this link points at
            </span>
            {' · '}
            <Button size="small" onClick={() => pane.current?.scrollToOffset(target.start)}>
              Show it
            </Button>
          </p>
        )}
        <BlindBanner documentId={doc.id} />
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
        <OcrNotice version={data.version} onGo={(o) => pane.current?.scrollToOffset(o, 'start')} />
        {data.version?.status === 'needs_ocr' && (
          <Alert severity="warning">{data.version.message ?? 'This document has no text layer (needs OCR).'}</Alert>
        )}
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
          <p className="ew-muted" style={{ padding: 16 }}>
            This version has no text.
          </p>
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
          onDeleteOrphan={(a) => void remove(a)}
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
          onClose={() => {
            setPending(null);
            pane.current?.focus();
          }}
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
        annotations={(details?.ids ?? []).flatMap((id) => byId.get(id) ?? [])}
        codes={codes}
        canEdit={own}
        canDelete={(a) => own(a) || isAdmin}
        onEdit={(a) => {
          if (details) setEditing({ a, anchor: details.anchor });
          setDetails(null);
        }}
        onHistory={(a) => {
          setHistoryOf(a.id);
          setDetails(null);
        }}
        onDelete={(a) => void remove(a)}
        onClose={() => setDetails(null)}
      />
      <ConflictDialog
        conflict={actions.conflict}
        codes={codes}
        onKeepTheirs={actions.keepTheirs}
        onApplyMine={actions.applyMine}
      />
      <DeleteDialog
        pending={deleting}
        onCancel={() => setDeleting(null)}
        onConfirm={(reason, confirm) =>
          deleting
            ? tryRemove(deleting.a, { reason, confirm }).catch((err) => notify(errorMessage(err), { type: 'error' }))
            : Promise.resolve()
        }
      />
      <HistoryDialog
        annotation={inHistory}
        codes={codes}
        canRevert={!!inHistory && own(inHistory)}
        onRevert={(a, to) => actions.revert(a, to).then(() => notify(`Reverted to v${to}`))}
        onClose={() => setHistoryOf(null)}
      />
    </Box>
  );
}
