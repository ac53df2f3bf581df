/** Codebook helpers: tree order, paths, kinds and colours. Pure. */
import type { Code, CodeKind } from '../api/types';

export const KIND_LETTER: Record<CodeKind, string> = { context: 'C', mechanism: 'M', outcome: 'O', other: '·' };
export const KIND_LABEL: Record<CodeKind, string> = { context: 'Context', mechanism: 'Mechanism', outcome: 'Outcome', other: 'Other' };
export const KIND_COLOUR: Record<CodeKind, string> = { context: '#1f77b4', mechanism: '#d62728', outcome: '#2ca02c', other: '#7f7f7f' };

export function colourOf(code: Pick<Code, 'colour' | 'kind'> | undefined): string {
  if (!code) return '#7f7f7f';
  return code.colour ?? KIND_COLOUR[code.kind] ?? '#7f7f7f';
}

/** A hex colour with alpha, e.g. tint('#1f77b4', 0.2). */
export function tint(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export interface TreeRow {
  code: Code;
  depth: number;
  path: string; // "Parent › Child"
  hasChildren: boolean;
}

/** Depth-first rows, children sorted by name; orphans (parent missing) at the top level. */
export function treeRows(codes: Code[]): TreeRow[] {
  const byId = new Map(codes.map((c) => [c.id, c]));
  const children = new Map<number | null, Code[]>();
  for (const c of codes) {
    const parent = c.parent_id != null && byId.has(c.parent_id) ? c.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), c]);
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  const out: TreeRow[] = [];
  const seen = new Set<number>();
  const walk = (parent: number | null, depth: number, prefix: string) => {
    for (const code of children.get(parent) ?? []) {
      if (seen.has(code.id)) continue;
      seen.add(code.id);
      const path = prefix ? `${prefix} › ${code.name}` : code.name;
      out.push({ code, depth, path, hasChildren: (children.get(code.id) ?? []).length > 0 });
      walk(code.id, depth + 1, path);
    }
  };
  walk(null, 0, '');
  return out;
}

/** Ids of a code and everything below it. */
export function descendantIds(codes: Code[], id: number): Set<number> {
  const out = new Set<number>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of codes) {
      if (c.parent_id != null && out.has(c.parent_id) && !out.has(c.id)) {
        out.add(c.id);
        grew = true;
      }
    }
  }
  return out;
}

export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
