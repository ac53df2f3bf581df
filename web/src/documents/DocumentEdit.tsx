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
import { call } from '../api/client';
import { inProject, projectPath } from '../api/project';
import type { DocumentRecord } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { DOCUMENT_TYPES, SOURCE_TYPES } from './choices';
import { guessNote } from './provenance';
import { Speakers } from './Speakers';

function Versions() {
  const record = useRecordContext<DocumentRecord>();
  const { data } = useQuery({
    queryKey: ['documents', 'versions', record?.id],
    queryFn: ({ signal }) =>
      call('get', '/api/projects/{project_id}/documents/{document_id}/versions', {
        path: { ...inProject(), document_id: record?.id ?? 0 },
        signal,
      }),
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
      <Speakers documentId={record.id} />
    </Box>
  );
}

const emptyToNull = (v: string) => (v === '' ? null : v);

export default function DocumentEdit() {
  return (
    <Edit mutationMode="pessimistic" aside={<Versions />} title="Document metadata">
      <SimpleForm
        toolbar={
          <Toolbar>
            <SaveButton />
          </Toolbar>
        }
        warnWhenUnsavedChanges
        resetOptions={{ keepDirtyValues: true }}
      >
        <Fields />
      </SimpleForm>
    </Edit>
  );
}

/** The fields, each guessed one saying so and by which rule (saving makes it the user's). */
function Fields() {
  const record = useRecordContext<DocumentRecord>();
  const hint = (field: Parameters<typeof guessNote>[1]) => {
    const note = guessNote(record, field);
    return note ? <span data-testid={`guessed-${field}`}>{note}</span> : undefined;
  };
  return (
    <>
      <TextInput source="title" validate={required()} fullWidth helperText={hint('title')} />
      <SelectInput
        source="source_type"
        label="Source type"
        choices={SOURCE_TYPES}
        validate={required()}
        helperText={hint('source_type')}
      />
      <SelectInput
        source="document_type"
        label="Document type"
        choices={DOCUMENT_TYPES}
        validate={required()}
        helperText={hint('document_type')}
      />
      <TextInput source="organisation" parse={emptyToNull} fullWidth helperText={hint('organisation')} />
      <DateInput source="date" parse={emptyToNull} helperText={hint('date')} />
    </>
  );
}
