import type { Evidence, EvidenceIn, Part, Stance } from '../api/types';

export const CMOC_STATUSES = ['draft', 'proposed', 'supported', 'refuted', 'refined'].map((s) => ({ id: s, name: s }));
export const PARTS: { id: Part; name: string; kind: 'context' | 'mechanism' | 'outcome' }[] = [
  { id: 'context', name: 'Context', kind: 'context' },
  { id: 'mechanism', name: 'Mechanism', kind: 'mechanism' },
  { id: 'outcome', name: 'Outcome', kind: 'outcome' },
];
export const STANCES: { id: Stance; name: string }[] = [
  { id: 'supports', name: 'supports' },
  { id: 'refutes', name: 'refutes' },
  { id: 'refines', name: 'refines' },
];
export const CMOC_FIELDS = [
  { source: 'title', label: 'Title' },
  { source: 'context', label: 'Context' },
  { source: 'mechanism_resource', label: 'Mechanism (resource)' },
  { source: 'mechanism_reasoning', label: 'Mechanism (reasoning)' },
  { source: 'outcome', label: 'Outcome' },
  { source: 'memo', label: 'Memo' },
  { source: 'status', label: 'Status' },
  { source: 'theory_ids', label: 'Theories' },
  { source: 'evidence', label: 'Evidence' },
];

/** What the API takes for evidence (the list replaces the whole list). */
export function evidencePayload(data: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(data.evidence)) return data;
  // The form's evidence items are the builder's Evidence (EvidenceInput.tsx holds them).
  const items = data.evidence as Evidence[];
  const evidence: EvidenceIn[] = items.map((e) => ({
    annotation_id: e.annotation_id,
    part: e.part,
    stance: e.stance,
    note: e.note || '', // the API's note is a string ("" for none), never null
  }));
  return { ...data, evidence };
}
