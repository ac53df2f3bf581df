import { describe, expect, it } from 'vitest';
import { offsetParam, readerTarget } from './target';
import { codePointToUtf16 } from './utf16';

const same = (c: number) => c;
const passages = [
  { id: 7, start: 0, end: 10 },
  { id: 8, start: 10, end: 25 },
];
const target = (query: string, length = 40, toUtf16 = same) =>
  readerTarget(new URLSearchParams(query), length, passages, toUtf16);

describe('offsetParam', () => {
  it('reads plain digits only', () => {
    expect(offsetParam('0')).toBe(0);
    expect(offsetParam('123')).toBe(123);
    for (const bad of [null, '', ' 1', '-1', '1.5', '1e3', '0x10', 'abc', 'NaN', 'Infinity', '1'.repeat(16)])
      expect(offsetParam(bad)).toBeNull();
  });
});

describe('readerTarget', () => {
  it('targets a span from ?at=&to=', () => {
    expect(target('at=3&to=9')).toEqual({ start: 3, end: 9 });
    expect(target('at=0&to=40')).toEqual({ start: 0, end: 40 });
  });

  it('targets a passage from ?passage=, in UTF-16 units', () => {
    expect(target('passage=8')).toEqual({ start: 10, end: 25 });
    // One astral character (two units) before the passage shifts both bounds.
    const text = '\u{1F642}' + 'x'.repeat(30);
    expect(target('passage=8', text.length, codePointToUtf16(text))).toEqual({ start: 11, end: 26 });
  });

  it('prefers ?passage= over ?at=', () => {
    expect(target('passage=7&at=20&to=30')).toEqual({ start: 0, end: 10 });
  });

  it('gives no target for bad, reversed, empty or out-of-range bounds', () => {
    for (const q of [
      '',
      'at=5', // a bare offset scrolls there, it highlights nothing
      'to=5',
      'at=abc&to=9',
      'at=3&to=x',
      'at=-1&to=9',
      'at=9&to=3',
      'at=4&to=4',
      'at=3&to=41',
      'at=40&to=41',
      'at=1.5&to=9',
      'passage=99',
      'passage=abc',
      'passage=-7',
    ])
      expect(target(q), q).toBeNull();
  });

  it('gives no target for a passage outside the text', () => {
    expect(target('passage=8', 20)).toBeNull();
  });
});
