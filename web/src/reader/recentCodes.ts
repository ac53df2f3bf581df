/** The codes this person applied last, per project (localStorage). */
const MAX = 8;
const key = (pid: number) => `ew.recentCodes.${pid}`;

export function recentCodes(pid: number): number[] {
  try {
    const raw: unknown = JSON.parse(window.localStorage.getItem(key(pid)) ?? '[]');
    return Array.isArray(raw) ? raw.filter((x): x is number => Number.isInteger(x)) : [];
  } catch {
    return [];
  }
}

export function rememberCodes(pid: number, used: number[]): void {
  const next = [...used, ...recentCodes(pid).filter((id) => !used.includes(id))].slice(0, MAX);
  try {
    window.localStorage.setItem(key(pid), JSON.stringify(next));
  } catch {
    /* storage full or private mode */
  }
}
