/**
 * Keyboard-only selection in the (non-editable) reader: Shift+arrows extend the
 * selection by character, Ctrl/Alt+Shift by word, Shift+Up/Down by line, using the
 * browser's Selection.modify (layout-aware). Without a selection, a caret is placed
 * at the first segment visible in the pane.
 */
import { SEGMENT_SELECTOR } from './selection';

function firstVisibleSegment(root: HTMLElement): Element | null {
  // The root scrolls inside its pane: the pane's top edge is where the visible text starts.
  const top = (root.parentElement ?? root).getBoundingClientRect().top;
  for (const seg of Array.from(root.querySelectorAll(SEGMENT_SELECTOR))) {
    if (seg.getBoundingClientRect().bottom > top + 4) return seg;
  }
  return root.querySelector(SEGMENT_SELECTOR);
}

type Modifiable = Selection & { modify?: (alter: string, direction: string, granularity: string) => void };

/** Handles a keydown; true when it moved the selection (the caller prevents default). */
export function extendSelectionByKey(e: KeyboardEvent | React.KeyboardEvent, root: HTMLElement): boolean {
  if (!e.shiftKey || !['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) return false;
  const sel = root.ownerDocument.getSelection() as Modifiable | null;
  if (!sel) return false;
  const inside = sel.rangeCount > 0 && root.contains(sel.anchorNode);
  if (!inside) {
    const seg = firstVisibleSegment(root);
    if (!seg?.firstChild) return false;
    sel.collapse(seg.firstChild, 0);
  }
  if (!sel.modify) return false;
  const forward = e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'End';
  const granularity =
    e.key === 'ArrowUp' || e.key === 'ArrowDown' ? 'line' : e.key === 'Home' || e.key === 'End' ? 'lineboundary' : e.ctrlKey || e.altKey || e.metaKey ? 'word' : 'character';
  sel.modify('extend', forward ? 'forward' : 'backward', granularity);
  return true;
}
