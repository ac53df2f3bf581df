/** Pages of this version OCR read with low confidence: named, each a link to its start,
 * so a reader checks those words against the original before quoting them. */
import { Alert, Button } from '@mui/material';
import type { VersionText } from '../api/types';
import { lowPages, OCR_LOW, pageList } from '../documents/provenance';

export function OcrNotice({ version, onGo }: { version: VersionText | undefined; onGo: (offset: number) => void }) {
  const low = lowPages(version);
  if (!version || low.length === 0) return null;
  return (
    <Alert severity="warning" data-testid="reader-ocr-low">
      {OCR_LOW}: OCR read {pageList(low)} of this scan with low confidence; check {low.length > 1 ? 'their' : 'its'}{' '}
      text against the original before quoting it.{' '}
      {low.map((page) => (
        <Button
          key={page}
          size="small"
          onClick={() => onGo(version.page_offsets[page - 1] ?? 0)}
          aria-label={`Go to page ${page}`}
        >
          p. {page}
        </Button>
      ))}
    </Alert>
  );
}

/** Whether a page of the version is one OCR read with low confidence. */
export function isLowPage(version: VersionText | undefined, page: number | null | undefined): boolean {
  return page != null && lowPages(version).includes(page);
}
