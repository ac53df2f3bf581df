/** Edit a document's metadata. Pessimistic: a refused save keeps what was typed. */
import { useQuery } from '@tanstack/react-query';
import { Box, Typography } from '@mui/material';
import {
  DateInput,
  Edit,
  SaveButton,
  SelectInput,
  SimpleForm,
  TextInput,
  Toolbar,
  required,
  useRecordContext,
} from 'react-admin';
import { Link } from 'react-router-dom';
import { getJson } from '../api/http';
import { projectPath } from '../api/project';
import type { DocumentRecord } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { DOCUMENT_TYPES, SOURCE_TYPES } from './choices';

interface VersionInfo {
  id: number;
  number: number;
  status: string;
  message: string | null;
  format: string;
  page_count: number | null;
  size_bytes: number;
  created_at: string;
}

function Versions() {
  const record = useRecordContext<DocumentRecord>();
  const { data } = useQuery({
    queryKey: ['documents', 'versions', record?.id],
    queryFn: () => getJson<VersionInfo[]>(projectPath(`/documents/${record!.id}/versions`)),
    enabled: !!record,
  });
  if (!record) return null;
  return (
    <Box sx={{ minWidth: 280, ml: 2, p: 2, bgcolor: 'background.paper' }} component="aside" aria-label="Versions">
      <Typography variant="subtitle2" component="h2">
        File
      </Typography>
      <p style={{ margin: '4px 0' }}>
        {record.original_filename} · <StatusChip status={record.status} />
      </p>
      <p style={{ margin: '4px 0' }}>
        <Link to={`/read/${record.id}`}>Open in reader</Link> ·{' '}
        <a href={projectPath(`/documents/${record.id}/original`)}>Download original</a>
      </p>
      <Typography variant="subtitle2" component="h2" sx={{ mt: 2 }}>
        Versions
      </Typography>
      <ol style={{ paddingLeft: 18, margin: 0 }}>
        {(data ?? []).map((v) => (
          <li key={v.id}>
            v{v.number} · {v.format} · {v.page_count ?? '?'} pages · {new Date(v.created_at).toLocaleString('en-GB')}{' '}
            <StatusChip status={v.status} />
            {v.message && <div style={{ color: '#8a5300' }}>{v.message}</div>}
          </li>
        ))}
      </ol>
    </Box>
  );
}

const emptyToNull = (v: string) => (v === '' ? null : v);

export default function DocumentEdit() {
  return (
    <Edit mutationMode="pessimistic" aside={<Versions />} title="Document metadata">
      <SimpleForm toolbar={<Toolbar><SaveButton /></Toolbar>} warnWhenUnsavedChanges resetOptions={{ keepDirtyValues: true }}>
        <TextInput source="title" validate={required()} fullWidth />
        <SelectInput source="source_type" label="Source type" choices={SOURCE_TYPES} validate={required()} />
        <SelectInput source="document_type" label="Document type" choices={DOCUMENT_TYPES} validate={required()} />
        <TextInput source="organisation" parse={emptyToNull} fullWidth />
        <DateInput source="date" parse={emptyToNull} />
      </SimpleForm>
    </Edit>
  );
}
