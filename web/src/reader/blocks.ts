/**
 * Cuts a version's text into blocks the reader renders lazily: a new block at every
 * passage start and every page start, long stretches split near newlines. Each
 * block knows its page, heading path and speaker. Offsets are UTF-16 (string indexes).
 */
import type { Passage } from '../api/types';
import type { ToUtf16 } from './utf16';

export interface Block {
  index: number;
  start: number;
  end: number;
  page: number | null;
  headingPath: string[];
  speaker: string | null;
  passageId: number | null;
  newHeading: boolean; // heading path differs from the previous block's
  newPage: boolean; // first block of a page
}

const MAX_BLOCK = 3000;

function splitLong(text: string, start: number, end: number): number[] {
  const cuts: number[] = [];
  let at = start;
  while (end - at > MAX_BLOCK) {
    const window = text.slice(at + MAX_BLOCK / 2, at + MAX_BLOCK);
    let rel = window.lastIndexOf('\n');
    if (rel < 0) rel = window.lastIndexOf(' ');
    let cut = rel < 0 ? at + MAX_BLOCK : at + MAX_BLOCK / 2 + rel + 1;
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut += 1; // never split a surrogate pair
    cuts.push(cut);
    at = cut;
  }
  return cuts;
}

export function buildBlocks(text: string, passages: Passage[], pageOffsets: number[], toUtf16: ToUtf16): Block[] {
  const length = text.length;
  const pageStarts = pageOffsets.map(toUtf16);
  const ps = [...passages]
    .sort((a, b) => a.start - b.start)
    .map((p) => ({ p, start: toUtf16(p.start), end: toUtf16(p.end) }));
  const cuts = new Set<number>([0]);
  pageStarts.forEach((s) => s > 0 && s < length && cuts.add(s));
  ps.forEach(({ start }) => start > 0 && start < length && cuts.add(start));
  const sorted = [...cuts].sort((a, b) => a - b);
  const bounds: number[] = [];
  sorted.forEach((s, i) => {
    const e = i + 1 < sorted.length ? sorted[i + 1] : length;
    bounds.push(s, ...splitLong(text, s, e));
  });
  const blocks: Block[] = [];
  let pi = 0;
  let pageIdx = 0;
  for (let i = 0; i < bounds.length; i++) {
    const start = bounds[i];
    const end = i + 1 < bounds.length ? bounds[i + 1] : length;
    if (end <= start && length > 0) continue;
    while (pi + 1 < ps.length && ps[pi + 1].start <= start) pi++;
    const passage = ps[pi] && ps[pi].start <= start && start < Math.max(ps[pi].end, ps[pi].start + 1) ? ps[pi].p : null;
    while (pageIdx + 1 < pageStarts.length && pageStarts[pageIdx + 1] <= start) pageIdx++;
    const page = pageStarts.length ? pageIdx + 1 : null;
    const prev = blocks[blocks.length - 1];
    const headingPath = passage?.heading_path ?? prev?.headingPath ?? [];
    blocks.push({
      index: blocks.length,
      start,
      end,
      page,
      headingPath,
      speaker: passage?.speaker ?? null,
      passageId: passage?.id ?? null,
      newHeading: headingPath.length > 0 && (!prev || prev.headingPath.join('\u0000') !== headingPath.join('\u0000')),
      newPage: page != null && (!prev || prev.page !== page),
    });
  }
  return blocks;
}

/** Index of the block holding `offset` (bisect; blocks are contiguous and sorted). */
export function blockAt(blocks: Block[], offset: number): number {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (blocks[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}
