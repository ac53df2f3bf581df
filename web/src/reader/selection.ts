/**
 * DOM selection <-> UTF-16 offsets into the document text: the one place that maps.
 *
 * The reader renders text as segment elements carrying `data-s` (the segment's start
 * offset) whose only child is one text node holding exactly text[start, end).
 * Anything else inside the root (headings, page labels: not document text) has no
 * `data-s` and is skipped: a boundary inside it snaps to the next segment for a
 * start, to the previous one for an end. DOM text offsets are UTF-16 units, like JS
 * string indexes, so no code point arithmetic happens here.
 */

export const SEGMENT_SELECTOR = '[data-s]';

export interface Offsets {
  start: number;
  end: number;
}

function segStart(el: Element): number {
  return Number(el.getAttribute('data-s'));
}

function segEnd(el: Element): number {
  return segStart(el) + (el.textContent ?? '').length;
}

function segments(root: Element): Element[] {
  return Array.from(root.querySelectorAll(SEGMENT_SELECTOR));
}

/** The segment element containing `node`, if any (inside root). */
function segmentOf(node: Node, root: Element): Element | null {
  const el = node instanceof Element ? node : node.parentElement;
  const seg = el?.closest(SEGMENT_SELECTOR) ?? null;
  return seg && root.contains(seg) ? seg : null;
}

/** First index i with pred(list[i]) true, assuming pred is monotone (false...true). */
function firstTrue<T>(list: T[], pred: (x: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(list[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A DOM boundary point as an offset in the text; `edge` says which way to snap. */
export function pointToOffset(node: Node, offset: number, root: Element, edge: 'start' | 'end'): number | null {
  const seg = segmentOf(node, root);
  if (seg) {
    if (node instanceof Text) {
      return segStart(seg) + Math.min(offset, node.length);
    }
    // The segment element itself (or an element in it): before or after its text.
    return offset === 0 ? segStart(seg) : segEnd(seg);
  }
  const all = segments(root);
  if (!all.length) return null;
  const probe = root.ownerDocument.createRange();
  try {
    probe.setStart(node, offset);
  } catch {
    return null;
  }
  // Segments entirely after the point: their start is at or after it.
  const i = firstTrue(all, (s) => probe.comparePoint(s, 0) >= 0);
  if (edge === 'start') {
    if (i < all.length) return segStart(all[i]);
    return segEnd(all[all.length - 1]);
  }
  if (i > 0) return segEnd(all[i - 1]);
  return segStart(all[0]);
}

/** A Range (e.g. the user's selection) as text offsets; null when empty or outside root. */
export function rangeToOffsets(range: Range, root: Element): Offsets | null {
  if (range.collapsed) return null;
  const common = range.commonAncestorContainer;
  if (!root.contains(common) && !common.contains(root)) return null;
  let startNode = range.startContainer;
  let startOffset = range.startOffset;
  let endNode = range.endContainer;
  let endOffset = range.endOffset;
  // A selection reaching outside the root is clipped to it.
  if (!root.contains(startNode)) {
    startNode = root;
    startOffset = 0;
  }
  if (!root.contains(endNode)) {
    endNode = root;
    endOffset = root.childNodes.length;
  }
  const start = pointToOffset(startNode, startOffset, root, 'start');
  const end = pointToOffset(endNode, endOffset, root, 'end');
  if (start == null || end == null || end <= start) return null;
  return { start, end };
}

/** The current window selection inside root, as offsets. */
export function selectionOffsets(root: Element): Offsets | null {
  const sel = root.ownerDocument.getSelection();
  if (!sel || sel.rangeCount === 0) return null;
  return rangeToOffsets(sel.getRangeAt(0), root);
}

/** The DOM point for a text offset, among the rendered segments (null if not rendered). */
export function offsetToPoint(
  root: Element,
  offset: number,
  edge: 'start' | 'end' = 'start',
): { node: Node; offset: number } | null {
  const all = segments(root);
  // First segment whose end is past the offset (for a start) or reaches it (for an end).
  const i = firstTrue(all, (s) => (edge === 'start' ? segEnd(s) > offset : segEnd(s) >= offset));
  const seg = all[i];
  if (!seg || segStart(seg) > offset) return null;
  const text = seg.firstChild ?? seg;
  return { node: text, offset: offset - segStart(seg) };
}

/** Selects [start, end) in the DOM; false when either end is not rendered. */
export function selectOffsets(root: Element, start: number, end: number): boolean {
  const a = offsetToPoint(root, start, 'start');
  const b = offsetToPoint(root, end, 'end');
  const sel = root.ownerDocument.getSelection();
  if (!a || !b || !sel) return false;
  const range = root.ownerDocument.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  sel.removeAllRanges();
  sel.addRange(range);
  return true;
}
