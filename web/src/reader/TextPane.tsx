/**
 * The document text: lazily rendered blocks, mouse and keyboard selection, clicks on
 * marks. Reports selections as UTF-16 offsets (selection.ts does the mapping).
 */
import {
  memo,
  useCallback,
  useEffect,
  useImperativeHandle,
  useMemo,
  useRef,
  useState,
  type ReactNode,
  type Ref,
} from 'react';
import { blockAt, type Block } from './blocks';
import { BlockView, type BlockLook } from './BlockView';
import { caretBox, moveCaretByKey } from './keyboard';
import { spansByBlock, type Span } from './segments';
import { offsetToPoint, selectionOffsets, type Offsets } from './selection';
import { useLazyBlocks } from './useLazyBlocks';

export interface TextPaneHandle {
  scrollToOffset: (offset: number, align?: 'center' | 'start') => void;
  focus: () => void;
}

interface Props {
  text: string;
  blocks: Block[];
  spans: Span[];
  look: BlockLook;
  onSelect: (sel: Offsets, anchor: { top: number; left: number }) => void;
  onMarkClick: (ids: number[], anchor: { top: number; left: number }) => void;
  onTopBlock?: (block: Block) => void;
  handle: Ref<TextPaneHandle>;
}

function selectionAnchor(): { top: number; left: number } {
  const sel = document.getSelection();
  const rect = sel && sel.rangeCount ? sel.getRangeAt(0).getBoundingClientRect() : null;
  return rect ? { top: rect.bottom + 6, left: rect.left } : { top: 120, left: 120 };
}

export function TextPane({ text, blocks, spans, look, onSelect, onMarkClick, onTopBlock, handle }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const { mounted, register, estimate, mount, elements } = useLazyBlocks(blocks, text, scroller);
  const byBlock = useMemo(() => spansByBlock(blocks, spans), [blocks, spans]);
  const pendingScroll = useRef<{ offset: number; align: 'center' | 'start' } | null>(null);
  const caret = useCaret(content, scroller);

  const finishScroll = useCallback(() => {
    const pending = pendingScroll.current;
    if (pending == null || !content.current) return;
    const point = offsetToPoint(content.current, pending.offset);
    const el = point?.node.parentElement;
    if (el) {
      if (pending.align === 'start') {
        const block = el.closest<HTMLElement>('.ew-block');
        if (block && scroller.current) scroller.current.scrollTop = block.offsetTop - 8;
      } else el.scrollIntoView({ block: 'center' });
      pendingScroll.current = null;
    }
  }, []);

  useEffect(finishScroll, [mounted, finishScroll]);

  useImperativeHandle(
    handle,
    () => ({
      scrollToOffset(offset: number, align: 'center' | 'start' = 'center') {
        const i = blockAt(blocks, offset);
        const el = elements.current.get(i);
        if (el && scroller.current) scroller.current.scrollTop = el.offsetTop - 80;
        pendingScroll.current = { offset, align };
        mount([Math.max(0, i - 1), i, Math.min(blocks.length - 1, i + 1)]);
        requestAnimationFrame(finishScroll);
      },
      focus: () => content.current?.focus(),
    }),
    [blocks, elements, mount, finishScroll],
  );

  const report = () => {
    if (!content.current) return false;
    const sel = selectionOffsets(content.current);
    if (!sel) return false;
    onSelect(sel, selectionAnchor());
    return true;
  };

  const onMouseUp = (e: React.MouseEvent) => {
    if (e.button !== 0) return;
    if (report()) return;
    const mark = e.target instanceof Element ? e.target.closest<HTMLElement>('mark[data-ids]') : null;
    const ids = mark?.dataset.ids?.split(' ').filter(Boolean).map(Number) ?? [];
    if (ids.length) onMarkClick(ids, { top: e.clientY + 8, left: e.clientX });
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!content.current) return;
    if (moveCaretByKey(e, content.current)) {
      e.preventDefault();
      return;
    }
    if ((e.key === 'Enter' || e.key === 'c' || e.key === 'C') && !e.ctrlKey && !e.metaKey && !e.altKey) {
      if (report()) e.preventDefault();
    } else if (e.key === 'Escape') {
      document.getSelection()?.removeAllRanges();
    }
  };

  const onScroll = () => {
    const box = scroller.current;
    if (!box || !onTopBlock) return;
    const top = box.scrollTop + 40;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const el = elements.current.get(mid);
      if (el && el.offsetTop <= top) lo = mid;
      else hi = mid - 1;
    }
    if (blocks[lo]) onTopBlock(blocks[lo]);
  };

  return (
    <div ref={scroller} className="ew-scroller" onScroll={onScroll} data-testid="reader-scroller">
      <div
        ref={content}
        className="ew-doc"
        role="region"
        aria-label="Document text"
        aria-describedby="reader-keys"
        tabIndex={0}
        onMouseUp={onMouseUp}
        onKeyDown={onKeyDown}
        data-testid="reader-text"
      >
        {blocks.map((b) => (
          <BlockShell
            key={b.index}
            block={b}
            isMounted={mounted.has(b.index)}
            height={mounted.has(b.index) ? 0 : estimate(b)}
            register={register}
          >
            <BlockView block={b} text={text} spans={byBlock[b.index]} look={look} />
          </BlockShell>
        ))}
      </div>
      {caret && (
        <span
          className="ew-caret"
          aria-hidden="true"
          data-testid="reader-caret"
          style={{ top: caret.top, left: caret.left, height: caret.height }}
        />
      )}
    </div>
  );
}

/** The caret drawn where the collapsed selection is while the text has focus (a
 * non-editable page shows none of its own), following clicks and arrow keys. */
function useCaret(content: React.RefObject<HTMLDivElement | null>, scroller: React.RefObject<HTMLDivElement | null>) {
  const [box, setBox] = useState<ReturnType<typeof caretBox>>(null);
  useEffect(() => {
    const update = () => {
      const root = content.current;
      const pane = scroller.current;
      const focused = root != null && root.ownerDocument.activeElement === root;
      setBox(focused && pane ? caretBox(root, pane) : null);
    };
    const root = content.current;
    document.addEventListener('selectionchange', update);
    root?.addEventListener('focus', update);
    root?.addEventListener('blur', update);
    return () => {
      document.removeEventListener('selectionchange', update);
      root?.removeEventListener('focus', update);
      root?.removeEventListener('blur', update);
    };
  }, [content, scroller]);
  return box;
}

interface ShellProps {
  block: Block;
  isMounted: boolean;
  height: number;
  register: (index: number, el: HTMLElement | null) => void;
  children: ReactNode;
}

/** A block's box: the rendered block when mounted, else an empty box of its height. */
const BlockShell = memo(
  function BlockShell({ block, isMounted, height, register, children }: ShellProps) {
    const ref = useCallback((el: HTMLDivElement | null) => register(block.index, el), [register, block.index]);
    return (
      <div ref={ref} data-block={block.index} className="ew-block" style={isMounted ? undefined : { height }}>
        {isMounted && children}
      </div>
    );
  },
  (a, b) =>
    a.block === b.block &&
    a.isMounted === b.isMounted &&
    a.height === b.height &&
    (!a.isMounted || a.children === b.children),
);
