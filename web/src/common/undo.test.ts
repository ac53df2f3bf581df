import { describe, expect, it } from 'vitest';
import { clearUndo, isTextEntry, isUndoKey, lastUndo, pushUndo, takeUndo } from './undo';

describe('undo stack', () => {
  it('undoes the last change first, and a named one out of order', async () => {
    clearUndo();
    const done: string[] = [];
    pushUndo('first', () => Promise.resolve(done.push('first')));
    const first = lastUndo()?.id;
    pushUndo('second', () => Promise.resolve(done.push('second')));
    pushUndo('third', () => Promise.resolve(done.push('third')));
    expect(lastUndo()?.label).toBe('third');
    await takeUndo()?.run();
    await takeUndo(first)?.run();
    expect(done).toEqual(['third', 'first']);
    expect(lastUndo()?.label).toBe('second');
    takeUndo();
    expect(takeUndo()).toBeNull();
  });

  it('keeps at most fifty', () => {
    clearUndo();
    for (let i = 0; i < 60; i++) pushUndo(`change ${i}`, () => Promise.resolve(i));
    let n = 0;
    while (takeUndo()) n++;
    expect(n).toBe(50);
  });
});

describe('Ctrl+Z', () => {
  it('is Ctrl or Cmd with Z, not with Shift', () => {
    expect(isUndoKey(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true }))).toBe(true);
    expect(isUndoKey(new KeyboardEvent('keydown', { key: 'Z', metaKey: true }))).toBe(true);
    expect(isUndoKey(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(isUndoKey(new KeyboardEvent('keydown', { key: 'z' }))).toBe(false);
  });

  it('belongs to a text field when the focus is in one', () => {
    const text = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(isTextEntry(text)).toBe(true);
    expect(isTextEntry(document.createElement('textarea'))).toBe(true);
    expect(isTextEntry(box)).toBe(false);
    expect(isTextEntry(document.createElement('button'))).toBe(false);
    expect(isTextEntry(document.body)).toBe(false);
    expect(isTextEntry(null)).toBe(false);
  });
});
