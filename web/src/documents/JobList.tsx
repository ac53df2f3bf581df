/** Ingest jobs with their outcome and error; refreshes while any is queued or running. */
import {
  Datagrid,
  DateField,
  FunctionField,
  List,
  NumberField,
  SelectInput,
  TextField,
  useListContext,
} from 'react-admin';
import { Link } from 'react-router-dom';
import { isRecord } from '../api/dataProvider';
import type { IngestJob } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { JOB_STATES } from './choices';

const isActive = (j: Pick<IngestJob, 'state'>) => j.state === 'queued' || j.state === 'running';

/** Whether a list page (react-query's {data: rows}) holds a job still queued or running. */
function anyActive(page: unknown): boolean {
  const rows = isRecord(page) ? page.data : undefined;
  return Array.isArray(rows) && rows.some((j) => isRecord(j) && (j.state === 'queued' || j.state === 'running'));
}

function Grid() {
  const { data } = useListContext<IngestJob>();
  const active = data?.some(isActive);
  return (
    <>
      {active && (
        <p className="ew-muted" role="status" style={{ margin: '4px 8px' }}>
          Some jobs are still running; this list refreshes itself.
        </p>
      )}
      <Datagrid bulkActionButtons={false} size="small" rowClick={false}>
        <NumberField source="id" />
        <TextField source="original_filename" label="File" />
        <FunctionField source="state" render={(j: IngestJob) => <StatusChip status={j.state} />} />
        <FunctionField
          source="outcome"
          sortable={false}
          render={(j: IngestJob) => j.outcome?.replace('_', ' ') ?? ''}
        />
        <FunctionField
          label="Error"
          sortable={false}
          render={(j: IngestJob) =>
            j.error ? (
              <span className="ew-error-text" style={{ whiteSpace: 'pre-wrap' }}>
                {j.error}
              </span>
            ) : null
          }
        />
        <NumberField source="attempts" sortable={false} />
        <DateField source="created_at" label="Queued" showTime locales="en-GB" />
        <DateField source="finished_at" label="Finished" showTime locales="en-GB" emptyText="—" />
        <FunctionField
          label="Document"
          render={(j: IngestJob) =>
            j.document_id ? (
              <Link to={`/read/${j.document_id}`} onClick={(e) => e.stopPropagation()}>
                open
              </Link>
            ) : null
          }
        />
      </Datagrid>
    </>
  );
}

export default function JobList() {
  return (
    <List
      title="Ingest jobs"
      filters={[<SelectInput key="state" source="state" choices={JOB_STATES} alwaysOn />]}
      sort={{ field: 'id', order: 'DESC' }}
      perPage={50}
      queryOptions={{
        refetchInterval: (query: { state: { data?: unknown } }) => (anyActive(query.state.data) ? 2000 : 15000),
      }}
    >
      <Grid />
    </List>
  );
}
