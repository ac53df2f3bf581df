/**
 * Overlap segmentation: splits [start, end) at every span boundary into segments,
 * each carrying the ids of the spans covering it, so overlapping annotations render
 * as flat, non-nested marks. Offsets are UTF-16 (string indexes). Pure.
 */

export interface Span {
  id: number;
  start: number;
  end: number;
}

export interface Segment {
  start: number;
  end: number;
  ids: number[]; // covering spans, ordered by (start, end desc, id): stable stripe order
}

function order(a: Span, b: Span): number {
  return a.start - b.start || b.end - a.end || a.id - b.id;
}

export function segment(start: number, end: number, spans: Span[]): Segment[] {
  if (end <= start) return [];
  const inside = spans.filter((s) => s.end > s.start && s.end > start && s.start < end).sort(order);
  const cuts = new Set<number>([start, end]);
  for (const s of inside) {
    if (s.start > start) cuts.add(s.start);
    if (s.end < end) cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const rank = new Map(inside.map((s, i) => [s.id, i]));
  const out: Segment[] = [];
  const active = new Set<Span>();
  let next = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    while (next < inside.length && inside[next].start <= a) active.add(inside[next++]);
    for (const s of active) if (s.end <= a) active.delete(s);
    const ids = [...active].sort((x, y) => (rank.get(x.id) ?? 0) - (rank.get(y.id) ?? 0)).map((s) => s.id);
    const last = out[out.length - 1];
    if (last && last.end === a && sameIds(last.ids, ids)) last.end = b;
    else out.push({ start: a, end: b, ids });
  }
  return out;
}

function sameIds(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Groups spans by the blocks they overlap: blocks sorted and contiguous. */
export function spansByBlock(blocks: { start: number; end: number }[], spans: Span[]): Span[][] {
  const out: Span[][] = blocks.map(() => []);
  for (const s of spans) {
    if (s.end <= s.start) continue;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (blocks[mid].start <= s.start) lo = mid;
      else hi = mid - 1;
    }
    for (let i = lo; i < blocks.length && blocks[i].start < s.end; i++) {
      if (blocks[i].end > s.start) out[i].push(s);
    }
  }
  return out;
}

export interface TargetedSegment extends Segment {
  inTarget: boolean; // inside the range a deep link points at
}

/**
 * Cuts segments at the bounds of one target range and flags the pieces inside it, so
 * the highlight covers exactly the range with flat, non-nested elements whatever
 * annotations overlap it. Ids are kept; without a range nothing is cut.
 */
export function cutAtTarget(segments: Segment[], target: { start: number; end: number } | null): TargetedSegment[] {
  const out: TargetedSegment[] = [];
  for (const s of segments) {
    if (!target || target.end <= s.start || target.start >= s.end || target.end <= target.start) {
      out.push({ ...s, inTarget: false });
      continue;
    }
    const from = Math.max(s.start, target.start);
    const to = Math.min(s.end, target.end);
    if (from > s.start) out.push({ start: s.start, end: from, ids: s.ids, inTarget: false });
    out.push({ start: from, end: to, ids: s.ids, inTarget: true });
    if (to < s.end) out.push({ start: to, end: s.end, ids: s.ids, inTarget: false });
  }
  return out;
}
