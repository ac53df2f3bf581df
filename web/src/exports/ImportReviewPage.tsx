/**
 * Imported QDPX selections whose position was doubtful (GET {p}/qdpx/review): nothing was
 * stored for them. Each shows where every reading of the producer's offsets puts it; an
 * admin accepts the reading the coder meant (the annotation is then stored) or discards it.
 */
import { useState } from 'react';
import { Alert, Box, Button, Chip, Paper, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Title, useNotify } from 'react-admin';
import { call } from '../api/client';
import { errorMessage } from '../api/errors';
import { inProject, useProjectId } from '../api/project';
import { useProjectRole } from '../common/useProjectData';
import { ImportedCoders } from './ImportedCoders';

type Choice = 'codepoint' | 'utf16' | 'discard';

interface Candidate {
  reading: 'codepoint' | 'utf16';
  start: number;
  end: number;
  plausible: boolean;
  quote: string;
}

/** backend/refi/report.py `item`: the route declares a dict, so the schema has no shape. */
interface ReviewItem {
  id: number;
  document_id: number;
  document_title: string;
  selection_guid: string;
  file_start: number;
  file_end: number;
  reason: string;
  candidates: Candidate[];
}

const READING = { codepoint: 'Read as characters (code points)', utf16: 'Read as UTF-16 units' } as const;

function useReviewItems() {
  const pid = useProjectId();
  return useQuery({
    queryKey: ['qdpx-review', pid],
    queryFn: async ({ signal }) => {
      const rows = await call('get', '/api/projects/{project_id}/qdpx/review', { path: inProject(pid), signal });
      return rows as unknown as ReviewItem[]; // the route answers report.item dicts (see ReviewItem)
    },
  });
}

function Item({ item, canDecide, onDone }: { item: ReviewItem; canDecide: boolean; onDone: (msg: string) => void }) {
  const pid = useProjectId();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (choice: Choice) => {
    setBusy(true);
    setError(null);
    try {
      await call('post', '/api/projects/{project_id}/qdpx/review/{selection_id}', {
        path: { ...inProject(pid), selection_id: item.id },
        body: { choice },
      });
      onDone(choice === 'discard' ? 'Discarded' : 'Accepted: the annotation is stored');
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Paper component="section" aria-label={`Selection ${item.selection_guid}`} data-testid="review-item" sx={{ p: 2 }}>
      <Typography component="h2" variant="subtitle1">
        {item.document_title}
      </Typography>
      <Typography variant="body2">
        Why held: {item.reason}. Positions in the file: {item.file_start}–{item.file_end}.
      </Typography>
      {item.candidates.map((c) => (
        <Box
          key={c.reading}
          data-testid="review-candidate"
          sx={{ mt: 1, display: 'flex', gap: 1, alignItems: 'center' }}
        >
          <Box sx={{ flex: 1 }}>
            <strong>{READING[c.reading]}</strong>{' '}
            <Chip size="small" label={c.plausible ? 'on word boundaries' : 'cuts into words'} />
            <blockquote className="ew-quote">{c.quote}</blockquote>
          </Box>
          {canDecide && (
            <Button variant="outlined" disabled={busy} onClick={() => void decide(c.reading)}>
              Use this reading
            </Button>
          )}
        </Box>
      ))}
      {canDecide && (
        <Button color="error" disabled={busy} onClick={() => void decide('discard')} sx={{ mt: 1 }}>
          Discard
        </Button>
      )}
      {error && (
        <Alert severity="error" role="alert">
          {error}
        </Alert>
      )}
    </Paper>
  );
}

export default function ImportReviewPage() {
  const { data, error, isPending } = useReviewItems();
  const { isAdmin } = useProjectRole();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const done = (msg: string) => {
    notify(msg);
    void queryClient.invalidateQueries({ queryKey: ['qdpx-review'] });
    void queryClient.invalidateQueries({ queryKey: ['annotations'] });
  };
  return (
    <Box sx={{ p: 2, display: 'grid', gap: 2, maxWidth: 960 }}>
      <Title title="Import review" />
      <Typography variant="body2">
        Selections from a QDPX import whose position in the text was doubtful. Nothing was stored for them until someone
        chooses where the coder meant them to be.
        {!isAdmin && ' Project admins decide.'}
      </Typography>
      {error && <Alert severity="error">{error.message}</Alert>}
      {isPending && <Typography>Loading…</Typography>}
      {data?.length === 0 && <Alert severity="success">Nothing is waiting for review.</Alert>}
      {data?.map((item) => (
        <Item key={item.id} item={item} canDecide={isAdmin} onDone={done} />
      ))}
      <ImportedCoders isAdmin={isAdmin} />
    </Box>
  );
}
