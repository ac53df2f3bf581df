/** Documents: filter by source type, document type, organisation, date, status, where the text came from (text layer, OCR, low-confidence OCR pages); sort; open. */
import { useQuery } from '@tanstack/react-query';
import {
  AutocompleteInput,
  Button,
  CreateButton,
  Datagrid,
  DateField,
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
import { call } from '../api/client';
import { inProject, useProjectId } from '../api/project';
import type { DocumentRecord } from '../api/types';
import { FilterDateInput } from '../common/FilterDateInput';
import { StatusChip } from '../common/StatusChip';
import { TitleLink } from '../common/TitleLink';
import { DOCUMENT_STATUSES, DOCUMENT_TYPES, labelOf, OCR_LOW_CHOICES, SOURCE_TYPES, TEXT_SOURCES } from './choices';
import { OCR_LOW } from './provenance';

/** Organisations named in the project's documents (first 500 by organisation). */
function useOrganisations() {
  const pid = useProjectId();
  return useQuery({
    queryKey: ['documents', 'organisations', pid],
    queryFn: async ({ signal }) => {
      const rows = await call('get', '/api/projects/{project_id}/documents', {
        path: inProject(pid),
        query: { sort: JSON.stringify(['organisation', 'ASC']), range: JSON.stringify([0, 499]) },
        signal,
      });
      const names = new Set(rows.flatMap((r) => (r.organisation ? [r.organisation] : [])));
      return [...names].map((o) => ({ id: o, name: o }));
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
    <SearchInput
      key="q"
      source="q"
      alwaysOn
      placeholder="Title or file name"
      slotProps={{ htmlInput: { 'aria-label': 'Filter by title or file name' } }}
    />,
    <SelectInput key="st" source="source_type" label="Source type" choices={SOURCE_TYPES} alwaysOn />,
    <SelectInput key="dt" source="document_type" label="Document type" choices={DOCUMENT_TYPES} alwaysOn />,
    <AutocompleteInput
      key="org"
      source="organisation"
      label="Organisation"
      choices={organisations}
      alwaysOn
      sx={{ minWidth: 200 }}
    />,
    <FilterDateInput key="from" source="date_gte" label="Dated from" alwaysOn />,
    <FilterDateInput key="to" source="date_lte" label="Dated to" alwaysOn />,
    <SelectInput key="status" source="status" label="Status" choices={DOCUMENT_STATUSES} />,
    <SelectInput key="ts" source="text_source" label="Text from" choices={TEXT_SOURCES} />,
    <SelectInput key="low" source="ocr_low_confidence" label={OCR_LOW} choices={OCR_LOW_CHOICES} />,
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
        <TitleLink<DocumentRecord>
          source="title"
          to={(r) => `/read/${r.id}`}
          text={(r) => r.title}
          testId="document-title-link"
        />
        <FunctionField
          source="source_type"
          label="Source"
          render={(r: DocumentRecord) => labelOf(SOURCE_TYPES, r.source_type)}
        />
        <FunctionField
          source="document_type"
          label="Type"
          render={(r: DocumentRecord) => labelOf(DOCUMENT_TYPES, r.document_type)}
        />
        <TextField source="organisation" emptyText="—" />
        <DateField source="date" emptyText="—" locales="en-GB" />
        <NumberField source="page_count" label="Pages" />
        <FunctionField source="status" render={(r: DocumentRecord) => <StatusChip status={r.status} />} />
        <FunctionField
          source="ocr_low_pages"
          label="Text from"
          render={(r: DocumentRecord) => <TextFrom record={r} />}
        />
        <TextField source="original_filename" label="File" />
        <DateField source="updated_at" label="Updated" locales="en-GB" />
        <EditButton label="Metadata" />
      </Datagrid>
    </List>
  );
}

/** Text layer or OCR; pages OCR read with low confidence said in words, not by colour. */
function TextFrom({ record }: { record: DocumentRecord }) {
  if (!record.text_source) return <>—</>;
  const label = labelOf(TEXT_SOURCES, record.text_source);
  if (record.text_source === 'text_layer') return <>{label}</>;
  return (
    <span data-testid="document-ocr">
      <StatusChip status="ocr" label={label} />
      {record.ocr_low_pages > 0 && (
        <>
          {' '}
          <StatusChip
            status="ocr_low"
            label={`${OCR_LOW} (${record.ocr_low_pages} ${record.ocr_low_pages === 1 ? 'page' : 'pages'})`}
          />
        </>
      )}
    </span>
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
