/**
 * Keyboard-only selection in the (non-editable) reader, like a browser's caret browsing:
 * arrows move a caret through the text (Ctrl/Alt for words, Up/Down by line, Home/End
 * to the line's ends) and Shift+arrows extend a selection from it, using the browser's
 * Selection.modify (layout-aware), so coding can start anywhere inside a paragraph.
 * Without a caret in the text, one is placed at the first segment visible in the pane.
 */
import { SEGMENT_SELECTOR } from './selection';

const MOVES = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'];

function firstVisibleSegment(root: HTMLElement): Element | null {
  // The root scrolls inside its pane: the pane's top edge is where the visible text starts.
  const top = (root.parentElement ?? root).getBoundingClientRect().top;
  for (const seg of Array.from(root.querySelectorAll(SEGMENT_SELECTOR))) {
    if (seg.getBoundingClientRect().bottom > top + 4) return seg;
  }
  return root.querySelector(SEGMENT_SELECTOR);
}

function granularityOf(e: KeyboardEvent | React.KeyboardEvent): string {
  if (e.key === 'ArrowUp' || e.key === 'ArrowDown') return 'line';
  if (e.key === 'Home' || e.key === 'End') return 'lineboundary';
  return e.ctrlKey || e.altKey || e.metaKey ? 'word' : 'character';
}

/** Handles a keydown; true when it moved the caret or the selection (the caller prevents
 * default, so the pane does not also scroll). */
export function moveCaretByKey(e: KeyboardEvent | React.KeyboardEvent, root: HTMLElement): boolean {
  if (!MOVES.includes(e.key)) return false;
  const sel = root.ownerDocument.getSelection();
  if (!sel) return false;
  const inside = sel.rangeCount > 0 && root.contains(sel.anchorNode);
  if (!inside) {
    const seg = firstVisibleSegment(root);
    if (!seg?.firstChild) return false;
    sel.collapse(seg.firstChild, 0);
    if (!e.shiftKey) return true; // the first arrow shows where the caret is
  }
  const forward = e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'End';
  sel.modify(e.shiftKey ? 'extend' : 'move', forward ? 'forward' : 'backward', granularityOf(e));
  revealFocus(sel);
  return true;
}

/** Keeps the moving end of the selection in view as the caret walks past the pane's edge. */
function revealFocus(sel: Selection): void {
  const node = sel.focusNode;
  const el = node instanceof Element ? node : node?.parentElement;
  el?.scrollIntoView({ block: 'nearest' });
}

/** Where to draw the caret, relative to the scrolled content of `pane` (the scroller);
 * null when there is no collapsed caret inside `root`. */
export function caretBox(root: HTMLElement, pane: HTMLElement): { top: number; left: number; height: number } | null {
  const sel = root.ownerDocument.getSelection();
  if (!sel || sel.rangeCount === 0 || !sel.isCollapsed || !root.contains(sel.anchorNode)) return null;
  const rect = caretRect(sel.getRangeAt(0));
  if (!rect) return null;
  const base = pane.getBoundingClientRect();
  return { top: rect.top - base.top + pane.scrollTop, left: rect.left - base.left, height: rect.height };
}

/** A collapsed range's box; at a text node's edge Chromium gives none, so measure the
 * character next to it instead. */
function caretRect(range: Range): { top: number; left: number; height: number } | null {
  const own = range.getClientRects()[0];
  if (own && own.height > 0) return { top: own.top, left: own.left, height: own.height };
  const node = range.startContainer;
  if (!(node instanceof Text) || node.length === 0) return null;
  const probe = node.ownerDocument.createRange();
  const after = range.startOffset < node.length;
  probe.setStart(node, after ? range.startOffset : range.startOffset - 1);
  probe.setEnd(node, after ? range.startOffset + 1 : range.startOffset);
  const box = probe.getClientRects()[0];
  if (!box) return null;
  return { top: box.top, left: after ? box.left : box.right, height: box.height };
}
