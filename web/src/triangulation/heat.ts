/** Heat-map colours: white to deep teal by share of the maximum, with readable text. Pure. */

export function heat(value: number, max: number): { background: string; color: string } {
  if (!value || max <= 0) return { background: '#ffffff', color: '#4a5560' };
  const t = Math.min(1, value / max);
  // From #e6f4f1 (light) to #00585c (dark), in steps so neighbours stay distinguishable.
  const step = Math.ceil(t * 5) / 5;
  const mix = (a: number, b: number) => Math.round(a + (b - a) * step);
  const rgb = [mix(0xe6, 0x00), mix(0xf4, 0x58), mix(0xf1, 0x5c)];
  return { background: `rgb(${rgb.join(',')})`, color: step >= 0.6 ? '#ffffff' : '#10262a' };
}

export interface Tally {
  sources: number;
  excerpts: number;
  supports?: { sources: number; excerpts: number };
  refutes?: { sources: number; excerpts: number };
  refines?: { sources: number; excerpts: number };
}

export interface MatrixRow {
  id: number | string;
  label: string;
  status: string; // corroborated, single_source, contested, no_evidence
  cells: Record<string, Tally>;
  total?: Tally;
}

export interface Matrix {
  rows_kind: string;
  columns: { key: string; label: string }[];
  rows: MatrixRow[];
}

export function maxSources(m: Matrix): number {
  let max = 0;
  for (const r of m.rows) for (const c of Object.values(r.cells ?? {})) max = Math.max(max, c?.sources ?? 0);
  return max;
}

export function cellLabel(row: MatrixRow, column: { label: string }, t: Tally | undefined): string {
  if (!t || !t.excerpts) return `${row.label}, ${column.label}: no evidence`;
  const parts = [`${t.sources} sources`, `${t.excerpts} excerpts`];
  if (t.supports?.excerpts) parts.push(`${t.supports.excerpts} supporting`);
  if (t.refutes?.excerpts) parts.push(`${t.refutes.excerpts} refuting`);
  if (t.refines?.excerpts) parts.push(`${t.refines.excerpts} refining`);
  return `${row.label}, ${column.label}: ${parts.join(', ')}`;
}
