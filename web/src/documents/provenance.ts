/**
 * Where a document's text came from and what ingest guessed, in words for the screen:
 * OCR'd pages read with low confidence, and each guessed metadata field's rule (the API's
 * `page_sources` and `metadata_sources`; rules in ingest/metadata.py and ingest/dates.py).
 */
import type { DocumentRecord, VersionText } from '../api/types';

export const OCR_LOW = 'OCR, low confidence';

/** The 1-based pages OCR read with low confidence. */
export function lowPages(version: Pick<VersionText, 'page_sources'> | undefined): number[] {
  return (version?.page_sources ?? []).filter((p) => p.low_confidence).map((p) => p.page);
}

/** "pages 3 and 5" / "page 2". */
export function pageList(pages: number[]): string {
  if (pages.length === 1) return `page ${pages[0]}`;
  return `pages ${pages.slice(0, -1).join(', ')} and ${pages[pages.length - 1]}`;
}

const RULES: Record<string, string> = {
  file_metadata: "the file's own title",
  heading: "the first page's largest heading",
  filename: 'the file name',
  ratified: 'its "ratified" date',
  approved: 'its "approved" date',
  published: 'its "published" date',
  version: 'its version line',
  version_history: 'its version history',
  effective: 'its "effective" date',
  review_date: 'its review date',
  first_date: 'the first date on its first pages',
  author: 'the organisation named as its author',
  most_named: 'the organisation it names most',
  guess: 'its content',
};

type Field = 'title' | 'date' | 'organisation' | 'document_type' | 'source_type';

/** Why a field holds what it does, when ingest guessed it; undefined once a person set it. */
export function guessNote(record: Pick<DocumentRecord, 'metadata_sources'> | undefined, field: Field) {
  const rule = record?.metadata_sources?.[field];
  if (!rule || rule === 'user' || rule === 'upload') return undefined;
  if (rule === 'none') return 'Guessed: nothing found in the file';
  return `Guessed from ${RULES[rule] ?? rule}: check it; saving makes it yours`;
}
