import { beforeEach, describe, expect, it } from 'vitest';
import { offsetToPoint, rangeToOffsets, selectOffsets, selectionOffsets } from './selection';

/** Renders `text` the way the reader does: blocks with a heading, then segments cut at `cuts`. */
function render(text: string, blocks: number[][]): HTMLElement {
  document.body.innerHTML = '';
  const root = document.createElement('div');
  root.id = 'root';
  for (const cuts of blocks) {
    const section = document.createElement('section');
    const heading = document.createElement('h3');
    heading.textContent = 'Heading (not document text)';
    section.appendChild(heading);
    const p = document.createElement('p');
    for (let i = 0; i + 1 < cuts.length; i++) {
      const seg = document.createElement(i % 2 ? 'mark' : 'span');
      seg.dataset.s = String(cuts[i]);
      seg.textContent = text.slice(cuts[i], cuts[i + 1]);
      p.appendChild(seg);
    }
    section.appendChild(p);
    root.appendChild(section);
  }
  document.body.appendChild(root);
  return root;
}

/** The value, or the test fails here saying what was missing. */
function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value == null) throw new Error(`${what} is missing`);
  return value;
}

function seg(root: HTMLElement, start: number): Text {
  const text = must(root.querySelector(`[data-s="${start}"]`), `segment ${start}`).firstChild;
  if (!(text instanceof Text)) throw new Error(`segment ${start} holds no text`);
  return text;
}

function range(a: Node, ao: number, b: Node, bo: number): Range {
  const r = document.createRange();
  r.setStart(a, ao);
  r.setEnd(b, bo);
  return r;
}

const TEXT = 'Café board 👩🏽‍⚕️ nurse-led ✨ change. Naïve re\u0301sume\u0301 🇬🇧 end.';

describe('rangeToOffsets', () => {
  let root: HTMLElement;
  beforeEach(() => {
    // Cuts fall between emoji (never inside a surrogate pair): split around them.
    const e1 = TEXT.indexOf('👩');
    const e2 = TEXT.indexOf('✨');
    const e3 = TEXT.indexOf('Naïve');
    const e4 = TEXT.indexOf('🇬🇧');
    root = render(TEXT, [
      [0, e1, e2, e3],
      [e3, e4, TEXT.length],
    ]);
  });

  it('maps a selection inside one segment to string indexes', () => {
    const start = TEXT.indexOf('board');
    const r = range(seg(root, 0), start, seg(root, 0), start + 5);
    expect(rangeToOffsets(r, root)).toEqual({ start, end: start + 5 });
    expect(TEXT.slice(start, start + 5)).toBe('board');
  });

  it("counts emoji as UTF-16 units, like the DOM and the API's start_utf16", () => {
    const e1 = TEXT.indexOf('👩');
    const nurse = TEXT.indexOf('nurse');
    // Select "nurse" inside the segment that starts with a 7-unit emoji sequence.
    const r = range(seg(root, e1), nurse - e1, seg(root, e1), nurse - e1 + 5);
    const got = must(rangeToOffsets(r, root));
    expect(TEXT.slice(got.start, got.end)).toBe('nurse');
    expect(got.start).toBe(nurse);
  });

  it('keeps combining accents and flags whole across segment boundaries', () => {
    const e3 = TEXT.indexOf('Naïve');
    const e4 = TEXT.indexOf('🇬🇧');
    const r = range(seg(root, e3), 6, seg(root, e4), 4); // "re\u0301sume\u0301 " .. flag
    const got = must(rangeToOffsets(r, root));
    expect(TEXT.slice(got.start, got.end)).toBe('re\u0301sume\u0301 🇬🇧');
  });

  it('maps a selection crossing segments and blocks', () => {
    const cafe = TEXT.indexOf('board');
    const e3 = TEXT.indexOf('Naïve');
    const r = range(seg(root, 0), cafe, seg(root, e3), 5);
    const got = must(rangeToOffsets(r, root));
    expect(TEXT.slice(got.start, got.end)).toBe(TEXT.slice(cafe, e3 + 5));
    expect(TEXT.slice(got.start, got.end).endsWith('Naïve')).toBe(true);
  });

  it('snaps a start inside a heading forward and an end inside one backward', () => {
    const e3 = TEXT.indexOf('Naïve');
    const headings = root.querySelectorAll('h3');
    const heading2 = must(headings[1].firstChild);
    // From inside the second heading to the end of "Naïve"
    expect(rangeToOffsets(range(heading2, 3, seg(root, e3), 5), root)).toEqual({ start: e3, end: e3 + 5 });
    // From "board" to inside the second heading: ends where block 1 ends
    const b = TEXT.indexOf('board');
    expect(rangeToOffsets(range(seg(root, 0), b, heading2, 2), root)).toEqual({ start: b, end: e3 });
  });

  it('handles element boundary points (triple click selects a whole paragraph)', () => {
    const e3 = TEXT.indexOf('Naïve');
    const p = root.querySelectorAll('p')[0];
    expect(rangeToOffsets(range(p, 0, p, p.childNodes.length), root)).toEqual({ start: 0, end: e3 });
    // From the start of block 1 to the start of block 2 (the section element)
    const sections = root.querySelectorAll('section');
    expect(rangeToOffsets(range(sections[0], 0, sections[1], 0), root)).toEqual({ start: 0, end: e3 });
    // Point right after a segment element (parent, index)
    expect(rangeToOffsets(range(p, 1, p, 2), root)).toEqual({ start: TEXT.indexOf('👩'), end: TEXT.indexOf('✨') });
  });

  it('treats the segment element itself as a boundary', () => {
    const e1 = TEXT.indexOf('👩');
    const mark = must(root.querySelector(`[data-s="${e1}"]`));
    expect(rangeToOffsets(range(mark, 0, mark, 1), root)).toEqual({ start: e1, end: TEXT.indexOf('✨') });
  });

  it('clips selections that reach outside the reader', () => {
    const outside = document.createElement('p');
    outside.textContent = 'outside';
    document.body.insertBefore(outside, root);
    const r = range(must(outside.firstChild), 2, seg(root, 0), 4);
    expect(rangeToOffsets(r, root)).toEqual({ start: 0, end: 4 });
  });

  it('returns null for collapsed or foreign selections', () => {
    expect(rangeToOffsets(range(seg(root, 0), 3, seg(root, 0), 3), root)).toBeNull();
    const other = document.createElement('div');
    other.textContent = 'elsewhere';
    document.body.appendChild(other);
    expect(rangeToOffsets(range(must(other.firstChild), 0, must(other.firstChild), 4), root)).toBeNull();
  });

  it('round-trips offsets through the DOM selection', () => {
    const nurse = TEXT.indexOf('nurse');
    const naive = TEXT.indexOf('Naïve') + 5;
    expect(selectOffsets(root, nurse, naive)).toBe(true);
    expect(selectionOffsets(root)).toEqual({ start: nurse, end: naive });
    // The DOM string includes the heading between blocks; the offsets do not.
    expect(must(document.getSelection()).toString().replace('Heading (not document text)', '')).toBe(
      TEXT.slice(nurse, naive),
    );
  });

  it('finds the DOM point at segment boundaries on the right side', () => {
    const e1 = TEXT.indexOf('👩');
    const atStart = must(offsetToPoint(root, e1, 'start'));
    expect(must(atStart.node.parentElement).dataset.s).toBe(String(e1));
    const atEnd = must(offsetToPoint(root, e1, 'end'));
    expect(must(atEnd.node.parentElement).dataset.s).toBe('0');
    expect(offsetToPoint(root, TEXT.length + 10)).toBeNull();
  });
});

describe('unrendered blocks', () => {
  it('keeps absolute offsets when a middle block is not mounted', () => {
    const text = 'aaaa bbbb cccc';
    const root = render(text, [
      [0, 5],
      [10, 14],
    ]); // "bbbb " not rendered
    const r = range(seg(root, 0), 1, seg(root, 10), 2);
    expect(rangeToOffsets(r, root)).toEqual({ start: 1, end: 12 });
  });
});
