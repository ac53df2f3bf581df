/** A round's agreement: alpha for unitizing (where codes were applied, character level)
 * overall and per code, the passage-level alpha, percent agreement where a code was used
 * (labelled: it is not alpha), and every disagreement with a link into the reader. */
import { Alert, Box, LinearProgress } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Title } from 'react-admin';
import { Link, useParams } from 'react-router-dom';
import { call } from '../api/client';
import { inProject, useProjectId } from '../api/project';
import type { Code, RoundAgreement } from '../api/types';
import { CodeChip } from '../common/CodeChip';
import { useCodes } from '../common/useProjectData';
import { CoderVersions, KIND_LABEL } from './CoderVersions';
import { Alpha, fmtPercent } from './figures';
import { useDocuments, useRound } from './useRounds';

function Summary({ data }: { data: RoundAgreement }) {
  return (
    <dl className="ew-figures" data-testid="round-agreement-summary">
      <dt>
        α<sub>u</sub> — {data.labels.unitizing_alpha}
      </dt>
      <dd>
        <Alpha value={data.unitizing_alpha} testId="unitizing-alpha" />
      </dd>
      <dt>α — {data.labels.alpha}</dt>
      <dd>
        <Alpha value={data.alpha} testId="passage-alpha" />
      </dd>
      <dt>Percent agreement where used — {data.labels.percent_agreement_where_used}</dt>
      <dd data-testid="percent-where-used">{fmtPercent(data.percent_agreement_where_used)}</dd>
    </dl>
  );
}

function PerCode({ data, codes }: { data: RoundAgreement; codes: Code[] }) {
  const byId = new Map(codes.map((c) => [c.id, c]));
  return (
    <table className="ew-table" aria-label="Agreement per code" data-testid="round-agreement-codes">
      <thead>
        <tr>
          <th>Code</th>
          <th>
            α<sub>u</sub> (unitizing)
          </th>
          <th>α (passages)</th>
          <th>% agreement where used (not α)</th>
          <th>Passages where used</th>
          {data.coders.map((c) => (
            <th key={c.id}>Characters coded by {c.name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.codes.map((c) => (
          <tr key={c.code_id} data-testid="round-agreement-code" data-code={c.code_id}>
            <th scope="row">{byId.has(c.code_id) ? <CodeChip code={byId.get(c.code_id)} /> : c.name}</th>
            <td>
              <Alpha value={c.unitizing_alpha} />
            </td>
            <td>
              <Alpha value={c.alpha} />
            </td>
            <td>{fmtPercent(c.percent_agreement_where_used)}</td>
            <td>{c.passages_used}</td>
            {data.coders.map((k) => (
              <td key={k.id}>{c.characters[String(k.id)] ?? 0}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Drilldown({ data, codes }: { data: RoundAgreement; codes: Code[] }) {
  const { data: documents = [] } = useDocuments();
  const title = (id: number) => documents.find((d) => d.id === id)?.title ?? `document ${id}`;
  if (!data.disagreements.length) return <p className="ew-muted">The coders agree everywhere they coded.</p>;
  return (
    <ol className="ew-disagreements" aria-label="Disagreements">
      {data.disagreements.map((d) => (
        <li key={d.key} data-testid="disagreement" data-key={d.key}>
          <div>
            <strong>{KIND_LABEL[d.kind]}</strong> · {title(d.document_id)}, characters {d.start}–{d.end} ·{' '}
            <Link to={d.reader_url} data-testid="disagreement-open">
              Open in the reader
            </Link>
          </div>
          <blockquote className="ew-quote">{d.text}</blockquote>
          <CoderVersions region={d} codes={codes} />
        </li>
      ))}
    </ol>
  );
}

export default function RoundAgreementPage() {
  const roundId = Number(useParams().roundId);
  const pid = useProjectId();
  const round = useRound(roundId).data;
  const { data: codes = [] } = useCodes();
  const { data, error, isPending } = useQuery({
    queryKey: ['rounds', 'agreement', pid, roundId],
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/rounds/{round_id}/agreement', {
        path: { ...inProject(pid), round_id: roundId },
        signal,
      }),
    enabled: pid != null && roundId > 0,
    retry: false,
  });
  return (
    <Box sx={{ p: 1, maxWidth: 1200 }}>
      <Title title={`Agreement: ${round?.name ?? 'round'}`} />
      <p>
        <Link to="/rounds">Coding rounds</Link> › {round?.name}
        {round && round.status === 'open' && (
          <span className="ew-muted"> (still open: the figures move as coders code)</span>
        )}
      </p>
      {isPending && <LinearProgress aria-label="Computing agreement" />}
      {error && <Alert severity="error">{error.message}</Alert>}
      {data && (
        <>
          <p className="ew-muted">
            {data.documents.length} document{data.documents.length === 1 ? '' : 's'}, {data.characters} characters,
            coders {data.coders.map((c) => c.name).join(', ')}.
          </p>
          <Summary data={data} />
          <h3 className="ew-h2">Per code</h3>
          <PerCode data={data} codes={codes} />
          <h3 className="ew-h2">Disagreements ({data.disagreements.length})</h3>
          <Drilldown data={data} codes={codes} />
        </>
      )}
    </Box>
  );
}
