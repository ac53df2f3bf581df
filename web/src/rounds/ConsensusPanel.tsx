/** The consensus layer of a round as adjudication builds it: the annotations the
 * decisions made (agreements taken over, versions taken, merges), in text order. */
import { useQuery } from '@tanstack/react-query';
import { listAll } from '../api/client';
import { inProject, useProjectId } from '../api/project';
import type { Code, Round } from '../api/types';
import { CodeChip } from '../common/CodeChip';

export function ConsensusPanel({ round, codes, stamp }: { round: Round; codes: Code[]; stamp: number }) {
  const pid = useProjectId();
  const byId = new Map(codes.map((c) => [c.id, c]));
  const { data = [] } = useQuery({
    // `stamp` changes with every decision, so the panel follows the queue.
    queryKey: ['annotations', 'consensus', pid, round.id, stamp],
    queryFn: () =>
      listAll('/api/projects/{project_id}/annotations', inProject(pid), { document_id: round.document_ids }, [
        'start',
        'ASC',
      ]),
    enabled: pid != null,
  });
  const consensus = data
    .filter((a) => a.layer === 'consensus' && a.round_id === round.id)
    .sort((x, y) => x.document_id - y.document_id || x.start - y.start);
  return (
    <section aria-label="Consensus so far" data-testid="consensus" className="ew-consensus">
      <h3 className="ew-h2">Consensus so far ({consensus.length})</h3>
      {!consensus.length && <p className="ew-muted">Nothing yet.</p>}
      <ol className="ew-plainlist">
        {consensus.map((a) => (
          <li key={a.id} data-testid="consensus-item">
            {a.code_ids.map((id) => (
              <CodeChip key={id} code={byId.get(id)} />
            ))}
            <blockquote className="ew-quote">{a.exact}</blockquote>
          </li>
        ))}
      </ol>
    </section>
  );
}
