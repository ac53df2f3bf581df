/** While a coder codes a blind round, the reader and search say so plainly: what they see
 * is only their own coding on the round's documents (the server hides the rest). */
import { Alert } from '@mui/material';
import { blindFor, useRounds } from './useRounds';

export function BlindBanner({ documentId }: { documentId?: number }) {
  const { data } = useRounds();
  const rounds = blindFor(data, documentId);
  if (!rounds.length) return null;
  return (
    <>
      {rounds.map((r) => (
        <Alert key={r.id} severity="warning" data-testid="blind-banner" sx={{ my: 0.5 }}>
          <strong>Blind round {r.name}: other coders' codes are hidden</strong>
          {documentId == null
            ? ` on its ${r.document_ids.length} document${r.document_ids.length === 1 ? '' : 's'}`
            : ' in this document'}
          , until an admin closes the round.
        </Alert>
      ))}
    </>
  );
}
