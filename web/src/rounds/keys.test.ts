import { describe, expect, it } from 'vitest';
import { keyAction, moved, nextOpen } from './keys';

describe('adjudication keys', () => {
  it('moves with j/k and the arrows', () => {
    expect(keyAction('j', 2)).toEqual({ type: 'move', by: 1 });
    expect(keyAction('ArrowDown', 2)).toEqual({ type: 'move', by: 1 });
    expect(keyAction('k', 2)).toEqual({ type: 'move', by: -1 });
    expect(keyAction('ArrowUp', 2)).toEqual({ type: 'move', by: -1 });
  });

  it('takes coder A or B by letter and any coder by number, only coders that exist', () => {
    expect(keyAction('a', 2)).toEqual({ type: 'take', coder: 0 });
    expect(keyAction('b', 2)).toEqual({ type: 'take', coder: 1 });
    expect(keyAction('3', 3)).toEqual({ type: 'take', coder: 2 });
    expect(keyAction('3', 2)).toBeNull();
    expect(keyAction('b', 1)).toBeNull();
  });

  it('merges, edits, rejects, undoes and opens the memo', () => {
    expect(keyAction('m', 2)).toEqual({ type: 'merge' });
    expect(keyAction('d', 2)).toEqual({ type: 'edit' });
    expect(keyAction('r', 2)).toEqual({ type: 'reject' });
    expect(keyAction('x', 2)).toEqual({ type: 'reject' });
    expect(keyAction('u', 2)).toEqual({ type: 'undo' });
    expect(keyAction('e', 2)).toEqual({ type: 'memo' });
    expect(keyAction('q', 2)).toBeNull();
  });

  it('stays inside the list', () => {
    expect(moved(0, -1, 3)).toBe(0);
    expect(moved(2, 1, 3)).toBe(2);
    expect(moved(1, 1, 3)).toBe(2);
    expect(moved(0, 1, 0)).toBe(0);
  });

  it('finds the next undecided item, wrapping round', () => {
    expect(nextOpen([true, false, true, false], 1)).toBe(3);
    expect(nextOpen([false, true, true], 2)).toBe(0);
    expect(nextOpen([true, true], 0)).toBe(0);
  });
});
