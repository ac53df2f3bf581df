/**
 * The undo stack: every change to annotations, codes and CMO configurations pushes how
 * to take it back (the API's revert, restore, delete or unmerge: a new version, so the
 * history shows both). A module-level store, so the data provider can push as well as
 * screens; UndoHost (./UndoHost.tsx) shows the last change with an "Undo" button and
 * takes Ctrl+Z / Cmd+Z when the focus is not in a text field.
 */
import { useSyncExternalStore } from 'react';

export interface UndoEntry {
  id: number;
  label: string; // what was done, e.g. “Annotation deleted”
  run: () => Promise<unknown>; // takes it back
}

const LIMIT = 50; // older changes stay in their histories (revert any version there)
let stack: UndoEntry[] = [];
let nextId = 1;
let generation = 0; // undos run so far: forms holding a record's values start again on it
const listeners = new Set<() => void>();

function changed(): void {
  for (const listener of listeners) listener();
}

/** Remembers how to take back a change just made; the notification shows it. */
export function pushUndo(label: string, run: () => Promise<unknown>): void {
  stack = [...stack.slice(-(LIMIT - 1)), { id: nextId++, label, run }];
  changed();
}

/** The change an Undo would take back now. */
export function lastUndo(): UndoEntry | null {
  return stack[stack.length - 1] ?? null;
}

/** Removes the entry and returns it (the caller runs it); null when there is none. */
export function takeUndo(id?: number): UndoEntry | null {
  const entry = id === undefined ? lastUndo() : (stack.find((e) => e.id === id) ?? null);
  if (entry) {
    stack = stack.filter((e) => e !== entry);
    changed();
  }
  return entry;
}

/** An undo ran and its data was read again: forms showing it reload (useUndoGeneration). */
export function markUndone(): void {
  generation++;
  changed();
}

export function undoGeneration(): number {
  return generation;
}

/** Changes when an undo has run: a form keyed on it shows the record as undone. */
export function useUndoGeneration(): number {
  return useSyncExternalStore(subscribeUndo, undoGeneration);
}

export function clearUndo(): void {
  stack = [];
  changed();
}

export function subscribeUndo(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Ctrl+Z in a text field undoes typing there, not the last saved change. */
export function isTextEntry(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLElement && el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (!(el instanceof HTMLInputElement)) return false;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(el.type);
}

/** Ctrl+Z or Cmd+Z, without Shift (Shift+Ctrl+Z is redo elsewhere). */
export function isUndoKey(e: KeyboardEvent): boolean {
  return (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z';
}
