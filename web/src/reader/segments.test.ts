import { describe, expect, it } from 'vitest';
import { cutAtTarget, segment, spansByBlock } from './segments';

describe('segment', () => {
  it('gives one plain segment without spans', () => {
    expect(segment(0, 10, [])).toEqual([{ start: 0, end: 10, ids: [] }]);
  });

  it('splits at every boundary with the covering set', () => {
    const spans = [
      { id: 1, start: 2, end: 8 },
      { id: 2, start: 5, end: 12 },
    ];
    expect(segment(0, 15, spans)).toEqual([
      { start: 0, end: 2, ids: [] },
      { start: 2, end: 5, ids: [1] },
      { start: 5, end: 8, ids: [1, 2] },
      { start: 8, end: 12, ids: [2] },
      { start: 12, end: 15, ids: [] },
    ]);
  });

  it('handles nesting, identical and touching spans', () => {
    const spans = [
      { id: 3, start: 0, end: 10 },
      { id: 4, start: 2, end: 4 },
      { id: 5, start: 2, end: 4 },
      { id: 6, start: 4, end: 6 },
    ];
    expect(segment(0, 10, spans)).toEqual([
      { start: 0, end: 2, ids: [3] },
      { start: 2, end: 4, ids: [3, 4, 5] },
      { start: 4, end: 6, ids: [3, 6] },
      { start: 6, end: 10, ids: [3] },
    ]);
  });

  it('orders ids by start, then longer first, so stripes keep their place', () => {
    const spans = [
      { id: 9, start: 3, end: 5 },
      { id: 1, start: 0, end: 5 },
      { id: 2, start: 0, end: 9 },
    ];
    expect(segment(0, 10, spans)[1]).toEqual({ start: 3, end: 5, ids: [2, 1, 9] });
  });

  it('clips spans to the range and ignores those outside or empty', () => {
    const spans = [
      { id: 1, start: 0, end: 30 },
      { id: 2, start: 40, end: 50 },
      { id: 3, start: 12, end: 12 },
    ];
    expect(segment(10, 20, spans)).toEqual([{ start: 10, end: 20, ids: [1] }]);
  });

  it('covers the range exactly, with no gaps', () => {
    const spans = Array.from({ length: 40 }, (_, i) => ({
      id: i,
      start: (i * 7) % 50,
      end: ((i * 7) % 50) + 1 + (i % 9),
    }));
    const segs = segment(0, 60, spans);
    expect(segs[0].start).toBe(0);
    expect(segs[segs.length - 1].end).toBe(60);
    segs.forEach((s, i) => i && expect(s.start).toBe(segs[i - 1].end));
    for (const s of segs) {
      const mid = s.start;
      const expected = spans
        .filter((x) => x.start <= mid && x.end > mid)
        .map((x) => x.id)
        .sort();
      expect([...s.ids].sort()).toEqual(expected);
    }
  });

  it('merges neighbours with the same covering set', () => {
    const spans = [
      { id: 1, start: 0, end: 5 },
      { id: 1, start: 5, end: 8 },
    ];
    expect(segment(0, 8, spans)).toEqual([{ start: 0, end: 8, ids: [1] }]);
  });
});

describe('spansByBlock', () => {
  it('puts a span in every block it overlaps', () => {
    const blocks = [
      { start: 0, end: 10 },
      { start: 10, end: 20 },
      { start: 20, end: 30 },
    ];
    const out = spansByBlock(blocks, [
      { id: 1, start: 5, end: 25 },
      { id: 2, start: 10, end: 20 },
      { id: 3, start: 29, end: 30 },
    ]);
    expect(out.map((list) => list.map((s) => s.id))).toEqual([[1], [1, 2], [1, 3]]);
  });
});

describe('cutAtTarget', () => {
  const segs = segment(0, 20, [
    { id: 1, start: 2, end: 8 },
    { id: 2, start: 5, end: 12 },
  ]);
  const inside = (out: ReturnType<typeof cutAtTarget>) => out.filter((s) => s.inTarget).map((s) => [s.start, s.end]);

  it('cuts nothing without a target, or with one elsewhere or empty', () => {
    for (const t of [null, { start: 30, end: 40 }, { start: 6, end: 6 }, { start: 9, end: 3 }])
      expect(cutAtTarget(segs, t)).toEqual(segs.map((s) => ({ ...s, inTarget: false })));
  });

  it('cuts one segment around a target inside it', () => {
    expect(cutAtTarget([{ start: 0, end: 10, ids: [] }], { start: 3, end: 7 })).toEqual([
      { start: 0, end: 3, ids: [], inTarget: false },
      { start: 3, end: 7, ids: [], inTarget: true },
      { start: 7, end: 10, ids: [], inTarget: false },
    ]);
  });

  it('covers exactly the target across overlapping annotations, keeping their ids', () => {
    const out = cutAtTarget(segs, { start: 4, end: 10 });
    expect(inside(out)).toEqual([
      [4, 5],
      [5, 8],
      [8, 10],
    ]);
    expect(out.filter((s) => s.inTarget).map((s) => s.ids)).toEqual([[1], [1, 2], [2]]);
    // Still contiguous from start to end, so the text renders unchanged.
    expect(out[0].start).toBe(0);
    expect(out[out.length - 1].end).toBe(20);
    out.forEach((s, i) => i && expect(s.start).toBe(out[i - 1].end));
  });

  it('clips a target larger than the segments, and keeps bounds that fall on cuts', () => {
    expect(inside(cutAtTarget([{ start: 10, end: 20, ids: [] }], { start: 0, end: 50 }))).toEqual([[10, 20]]);
    expect(inside(cutAtTarget(segs, { start: 2, end: 12 }))).toEqual([
      [2, 5],
      [5, 8],
      [8, 12],
    ]);
  });
});
