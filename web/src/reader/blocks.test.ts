import { describe, expect, it } from 'vitest';
import type { Passage } from '../api/types';
import { blockAt, buildBlocks } from './blocks';
import { codePointToUtf16 } from './utf16';

function passage(id: number, start: number, end: number, heading: string[], page = 1): Passage {
  return {
    id,
    ordinal: id,
    heading_path: heading,
    page_start: page,
    page_end: page,
    start,
    end,
    speaker: null,
    speaker_role: null,
    turn: null,
    line_start: null,
    line_end: null,
    timestamp: null,
    timestamp_label: null,
    text_source: null,
    ocr_confidence: null,
    ocr_low_confidence: false,
    text: '',
    document_id: 1,
    version_id: 1,
  };
}

describe('codePointToUtf16', () => {
  it('is the identity without astral characters', () => {
    const f = codePointToUtf16('Café naïve');
    expect(f(4)).toBe(4);
  });
  it('adds one unit per astral character before the offset', () => {
    const text = 'a😀b🇬🇧c';
    const f = codePointToUtf16(text);
    const cps = Array.from(text); // code points
    expect(cps.length).toBe(6);
    // code point 2 is "b": after one emoji (2 units)
    expect(text.slice(f(2), f(3))).toBe('b');
    expect(text.slice(f(3), f(5))).toBe('🇬🇧');
    expect(f(6)).toBe(text.length);
  });
});

describe('buildBlocks', () => {
  const text = 'Intro 😀 text.\nSection one body.\nSection two body on page 2.';
  const toUtf16 = codePointToUtf16(text);
  const cp = Array.from(text);
  const at = (s: string) => Array.from(text.slice(0, text.indexOf(s))).length; // code point index
  const passages = [
    passage(1, 0, at('Section one'), ['Intro']),
    passage(2, at('Section one'), at('Section two'), ['Intro', 'One']),
    passage(3, at('Section two'), cp.length, ['Intro', 'Two'], 2),
  ];
  const blocks = buildBlocks(text, passages, [0, at('page 2')], toUtf16);

  it('covers the text contiguously in UTF-16 offsets', () => {
    expect(blocks[0].start).toBe(0);
    expect(blocks[blocks.length - 1].end).toBe(text.length);
    blocks.forEach((b, i) => i && expect(b.start).toBe(blocks[i - 1].end));
  });

  it('starts blocks at passages and pages with their headings', () => {
    expect(blocks.map((b) => text.slice(b.start, b.end))).toEqual([
      'Intro 😀 text.\n',
      'Section one body.\n',
      'Section two body on ',
      'page 2.',
    ]);
    expect(blocks.map((b) => b.page)).toEqual([1, 1, 1, 2]);
    expect(blocks.map((b) => b.newHeading)).toEqual([true, true, true, false]);
    expect(blocks[3].headingPath).toEqual(['Intro', 'Two']);
    expect(blocks[3].newPage).toBe(true);
  });

  it('finds the block holding an offset', () => {
    expect(blockAt(blocks, 0)).toBe(0);
    expect(blockAt(blocks, text.indexOf('body on'))).toBe(2);
    expect(blockAt(blocks, text.length - 1)).toBe(3);
  });

  it('splits long unstructured text without cutting surrogate pairs', () => {
    const long = 'word 😀 '.repeat(2000);
    const bs = buildBlocks(long, [], [], codePointToUtf16(long));
    expect(bs.length).toBeGreaterThan(3);
    for (const b of bs) {
      const code = long.charCodeAt(b.start);
      expect(code >= 0xdc00 && code <= 0xdfff).toBe(false);
      expect(b.end - b.start).toBeLessThanOrEqual(3002);
    }
  });
});
