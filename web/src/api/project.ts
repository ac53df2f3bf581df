/** The current project: one id, remembered in localStorage, observable from React. */
import { useSyncExternalStore } from 'react';

const KEY = 'ew.projectId';
const listeners = new Set<() => void>();

function read(): number | null {
  try {
    const raw = window.localStorage.getItem(KEY);
    const id = raw ? Number(raw) : NaN;
    return Number.isInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

let current: number | null = typeof window === 'undefined' ? null : read();

export function getProjectId(): number | null {
  return current;
}

export function setProjectId(id: number | null): void {
  if (id === current) return;
  current = id;
  try {
    if (id == null) window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, String(id));
  } catch {
    /* private mode: keep it in memory only */
  }
  listeners.forEach((fn) => fn());
}

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function useProjectId(): number | null {
  return useSyncExternalStore(subscribe, getProjectId, getProjectId);
}

/** `/api/projects/{pid}{rest}` for the current project; throws when none is chosen. */
export function projectPath(rest: string, pid: number | null = current): string {
  if (pid == null) throw new Error('Choose a project first');
  return `/api/projects/${pid}${rest}`;
}

/** The path parameter of every project route, for typed calls (api/client.ts). */
export function inProject(pid: number | null = current): { project_id: number } {
  if (pid == null) throw new Error('Choose a project first');
  return { project_id: pid };
}
