/** The adjudication screen's keys (pure, so they are tested without a browser). */

export type KeyAction =
  | { type: 'move'; by: 1 | -1 }
  | { type: 'next-open' }
  | { type: 'take'; coder: number } // index into the region's coders (A = 0)
  | { type: 'merge' }
  | { type: 'edit' } // the adjudicator's own boundaries and codes
  | { type: 'reject' }
  | { type: 'undo' }
  | { type: 'memo' };

/** What a key press means, given how many coders the round has; null: not ours. */
export function keyAction(key: string, coders: number): KeyAction | null {
  switch (key) {
    case 'j':
    case 'ArrowDown':
    case 'ArrowRight':
      return { type: 'move', by: 1 };
    case 'k':
    case 'ArrowUp':
    case 'ArrowLeft':
      return { type: 'move', by: -1 };
    case 'n':
      return { type: 'next-open' };
    case 'm':
      return { type: 'merge' };
    case 'd':
      return { type: 'edit' };
    case 'r':
    case 'x':
      return { type: 'reject' };
    case 'u':
      return { type: 'undo' };
    case 'e':
      return { type: 'memo' };
  }
  // a, b (the two coders of a pair) and 1-9 (any of up to nine coders) take a version.
  const letter = key === 'a' ? 0 : key === 'b' ? 1 : null;
  const digit = /^[1-9]$/.test(key) ? Number(key) - 1 : null;
  const coder = letter ?? digit;
  return coder != null && coder < coders ? { type: 'take', coder } : null;
}

/** The index after a move, kept inside the list. */
export function moved(index: number, by: number, length: number): number {
  return Math.min(Math.max(index + by, 0), Math.max(length - 1, 0));
}

/** The first undecided item after `index`, wrapping round; `index` when all are decided. */
export function nextOpen(decided: boolean[], index: number): number {
  for (let step = 1; step <= decided.length; step++) {
    const i = (index + step) % decided.length;
    if (!decided[i]) return i;
  }
  return index;
}

/** Typing in a field is not a command; nor is anything with Ctrl, Alt or Meta held. */
export function isCommandEvent(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.altKey || e.metaKey || e.defaultPrevented) return false;
  const t = e.target;
  if (!(t instanceof HTMLElement)) return true;
  return !(t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}
