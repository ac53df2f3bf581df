import type { Choice } from '../common/choices';
import type { DocumentType, SourceType } from '../api/types';

export const SOURCE_TYPES: Choice<SourceType>[] = [
  { id: 'document', name: 'Document' },
  { id: 'interview', name: 'Interview' },
  { id: 'observation', name: 'Observation' },
];

export const DOCUMENT_TYPES: Choice<DocumentType>[] = [
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

export const TEXT_SOURCES = [
  { id: 'text_layer', name: 'Text layer' },
  { id: 'ocr', name: 'OCR' },
  { id: 'mixed', name: 'Text layer and OCR' },
];

export const OCR_LOW_CHOICES = [
  { id: 'true', name: 'Has pages OCR read with low confidence' },
  { id: 'false', name: 'No low-confidence OCR pages' },
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
