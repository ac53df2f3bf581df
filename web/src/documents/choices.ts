export const SOURCE_TYPES = [
  { id: 'document', name: 'Document' },
  { id: 'interview', name: 'Interview' },
  { id: 'observation', name: 'Observation' },
];

export const DOCUMENT_TYPES = [
  { id: 'strategy', name: 'Strategy' },
  { id: 'board_paper', name: 'Board paper' },
  { id: 'minutes', name: 'Minutes' },
  { id: 'policy', name: 'Policy' },
  { id: 'transcript', name: 'Transcript' },
  { id: 'field_notes', name: 'Field notes' },
  { id: 'other', name: 'Other' },
];

export const DOCUMENT_STATUSES = [
  { id: 'ready', name: 'Ready' },
  { id: 'needs_ocr', name: 'Needs OCR' },
];

export const JOB_STATES = [
  { id: 'queued', name: 'Queued' },
  { id: 'running', name: 'Running' },
  { id: 'done', name: 'Done' },
  { id: 'failed', name: 'Failed' },
];

export function labelOf(choices: { id: string; name: string }[], id: string | null | undefined): string {
  return choices.find((c) => c.id === id)?.name ?? id ?? '';
}
