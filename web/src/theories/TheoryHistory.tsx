/** A theory's history: each version with who, when, why, and what it said. */
import { useQuery } from '@tanstack/react-query';
import { useRecordContext } from 'react-admin';
import { Link } from 'react-router-dom';
import { call } from '../api/client';
import { inProject, useProjectId } from '../api/project';
import type { Theory } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { useMembers } from '../common/useProjectData';

/** A field of a stored revision's state (a theory's fields are strings). */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function TheoryAside() {
  const record = useRecordContext<Theory>();
  const pid = useProjectId();
  const { data: members = [] } = useMembers();
  const { data, error } = useQuery({
    queryKey: ['theories', 'history', pid, record?.id, record?.version],
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/theories/{theory_id}/history', {
        path: { ...inProject(pid), theory_id: record?.id ?? 0 },
        signal,
      }),
    enabled: !!record,
  });
  if (!record) return null;
  return (
    <aside className="ew-aside" aria-label="Theory history and CMOCs">
      <h2 className="ew-h2">CMO configurations</h2>
      <ul className="ew-plainlist">
        {(record.cmoc_ids ?? []).map((id) => (
          <li key={id}>
            <Link to={`/cmocs/${id}`}>CMOC #{id}</Link>
          </li>
        ))}
        {!record.cmoc_ids?.length && <li className="ew-muted">None linked yet.</li>}
        <li>
          <Link to={`/cmocs/create?source=${encodeURIComponent(JSON.stringify({ theory_ids: [record.id] }))}`}>
            + New CMOC for this theory
          </Link>
        </li>
        <li>
          <Link to={`/triangulation?rows=theory`}>See its evidence in the matrix</Link>
        </li>
      </ul>
      <h2 className="ew-h2">History</h2>
      {error && <p className="ew-error-text">{error.message}</p>}
      <ol className="ew-history" reversed>
        {[...(data ?? [])].reverse().map((h) => (
          <li key={h.version}>
            <div>
              <strong>v{h.version}</strong> {h.action} ·{' '}
              {members.find((m) => m.user_id === h.user_id)?.name ?? 'someone'} ·{' '}
              {new Date(h.at).toLocaleString('en-GB')}
            </div>
            {h.reason && <div className="ew-memo">Why: {h.reason}</div>}
            <div>
              <StatusChip status={textOf(h.state.status)} /> {textOf(h.state.statement)}
            </div>
          </li>
        ))}
      </ol>
    </aside>
  );
}
