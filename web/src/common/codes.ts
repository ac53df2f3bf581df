/** Codebook helpers: tree order, paths, kinds and colours. Pure. */
import type { Code, CodeKind } from '../api/types';
import type { Choice } from './choices';

export const KIND_LETTER: Record<CodeKind, string> = { context: 'C', mechanism: 'M', outcome: 'O', other: '·' };
export const KIND_LABEL: Record<CodeKind, string> = {
  context: 'Context',
  mechanism: 'Mechanism',
  outcome: 'Outcome',
  other: 'Other',
};
/** The kinds in codebook order (C, M, O, other), as select choices. */
export const KINDS: Choice<CodeKind>[] = (['context', 'mechanism', 'outcome', 'other'] as const).map((id) => ({
  id,
  name: KIND_LABEL[id],
}));
export const KIND_COLOUR: Record<CodeKind, string> = {
  context: '#1f77b4',
  mechanism: '#d62728',
  outcome: '#2ca02c',
  other: '#7f7f7f',
};

export function colourOf(code: Pick<Code, 'colour' | 'effective_kind'> | undefined): string {
  if (!code) return '#7f7f7f';
  return code.colour ?? KIND_COLOUR[code.effective_kind] ?? '#7f7f7f';
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

export interface KindGroup {
  kind: CodeKind;
  label: string;
  rows: TreeRow[];
}

/**
 * Tree rows grouped by the codes' effective kind, in codebook order (Context, Mechanism,
 * Outcome, Other); empty groups left out. Within a group the tree order stays; a code
 * whose parent sits in another group starts at the group's top level, its full path shown
 * (`path` kept, `depth` 0), so nothing is hidden under a parent of another kind.
 */
export function kindGroups(rows: TreeRow[]): KindGroup[] {
  return KINDS.flatMap(({ id: kind, name: label }) => {
    const depth = new Map<number, number>();
    const inGroup: TreeRow[] = [];
    for (const row of rows) {
      if (row.code.effective_kind !== kind) continue;
      const parent = row.code.parent_id;
      const d = parent != null && depth.has(parent) ? (depth.get(parent) ?? 0) + 1 : 0;
      depth.set(row.code.id, d);
      inGroup.push({ ...row, depth: d });
    }
    return inGroup.length ? [{ kind, label, rows: inGroup }] : [];
  });
}
