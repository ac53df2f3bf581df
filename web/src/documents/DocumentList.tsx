/** Documents: filter by source type, document type, organisation, date, status; sort; open. */
import { useQuery } from '@tanstack/react-query';
import {
  AutocompleteInput,
  Button,
  CreateButton,
  Datagrid,
  DateField,
  DateInput,
  EditButton,
  FunctionField,
  List,
  NumberField,
  SearchInput,
  SelectInput,
  TextField,
  TopToolbar,
  FilterButton,
} from 'react-admin';
import { Link } from 'react-router-dom';
import UploadIcon from '@mui/icons-material/UploadFile';
import { getJson } from '../api/http';
import { projectPath, useProjectId } from '../api/project';
import type { DocumentRecord } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { DOCUMENT_STATUSES, DOCUMENT_TYPES, labelOf, SOURCE_TYPES } from './choices';

/** Organisations named in the project's documents (first 500 by organisation). */
function useOrganisations() {
  const pid = useProjectId();
  return useQuery({
    queryKey: ['documents', 'organisations', pid],
    queryFn: async () => {
      const rows = await getJson<DocumentRecord[]>(projectPath('/documents', pid), {
        sort: JSON.stringify(['organisation', 'ASC']),
        range: JSON.stringify([0, 499]),
      });
      return [...new Set(rows.map((r) => r.organisation).filter(Boolean) as string[])].map((o) => ({ id: o, name: o }));
    },
    staleTime: 60_000,
  });
}

function Actions() {
  return (
    <TopToolbar>
      <FilterButton />
      <Button component={Link} to="/upload" label="Upload files" startIcon={<UploadIcon />} />
    </TopToolbar>
  );
}

export default function DocumentList() {
  const { data: organisations = [] } = useOrganisations();
  const filters = [
    <SearchInput key="q" source="q" alwaysOn placeholder="Title or file name" slotProps={{ htmlInput: { 'aria-label': 'Filter by title or file name' } }} />,
    <SelectInput key="st" source="source_type" label="Source type" choices={SOURCE_TYPES} alwaysOn />,
    <SelectInput key="dt" source="document_type" label="Document type" choices={DOCUMENT_TYPES} alwaysOn />,
    <AutocompleteInput key="org" source="organisation" label="Organisation" choices={organisations} alwaysOn sx={{ minWidth: 200 }} />,
    <DateInput key="from" source="date_gte" label="Dated from" alwaysOn />,
    <DateInput key="to" source="date_lte" label="Dated to" alwaysOn />,
    <SelectInput key="status" source="status" label="Status" choices={DOCUMENT_STATUSES} />,
  ];
  return (
    <List
      title="Documents"
      filters={filters}
      sort={{ field: 'updated_at', order: 'DESC' }}
      perPage={50}
      actions={<Actions />}
      empty={<EmptyDocuments />}
    >
      <Datagrid rowClick={(id) => `/read/${id}`} bulkActionButtons={false} size="small" data-testid="documents-table">
        <TextField source="title" />
        <FunctionField source="source_type" label="Source" render={(r: DocumentRecord) => labelOf(SOURCE_TYPES, r.source_type)} />
        <FunctionField source="document_type" label="Type" render={(r: DocumentRecord) => labelOf(DOCUMENT_TYPES, r.document_type)} />
        <TextField source="organisation" emptyText="—" />
        <DateField source="date" emptyText="—" locales="en-GB" />
        <NumberField source="page_count" label="Pages" />
        <FunctionField source="status" render={(r: DocumentRecord) => <StatusChip status={r.status} />} />
        <TextField source="original_filename" label="File" />
        <DateField source="updated_at" label="Updated" locales="en-GB" />
        <EditButton label="Metadata" />
      </Datagrid>
    </List>
  );
}

function EmptyDocuments() {
  return (
    <div style={{ padding: 24 }}>
      <p>No documents in this project yet.</p>
      <CreateButton to="/upload" label="Upload files" />
    </div>
  );
}
