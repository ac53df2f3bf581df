/** Programme theories: status, framework, their CMOCs one click away. */
import { errorMessage } from '../api/errors';
import { useRef } from 'react';
import {
  CreateButton,
  Datagrid,
  DateField,
  FunctionField,
  List,
  SearchInput,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
  useNotify,
  useRefresh,
  Button,
} from 'react-admin';
import { Link } from 'react-router-dom';
import { call } from '../api/client';
import { inProject } from '../api/project';
import type { Theory } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { TitleLink } from '../common/TitleLink';
import { THEORY_STATUSES } from './choices';

function ImportButton() {
  const input = useRef<HTMLInputElement>(null);
  const notify = useNotify();
  const refresh = useRefresh();
  const upload = async (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const json = await call('post', '/api/projects/{project_id}/theories/import', { path: inProject(), body: form });
      // Theories already here (same statement) are matched, not duplicated: say what happened.
      notify(`Theories imported: ${json.created} new, ${json.updated ?? 0} updated, ${json.unchanged ?? 0} unchanged`);
      refresh();
    } catch (err) {
      notify(errorMessage(err), { type: 'error' });
    }
  };
  return (
    <>
      <Button label="Import CSV / Markdown" onClick={() => input.current?.click()} />
      <input
        ref={input}
        type="file"
        accept=".csv,.md,.markdown,.txt"
        hidden
        aria-label="Theories file to import"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void upload(f);
          e.target.value = '';
        }}
      />
    </>
  );
}

export default function TheoryList() {
  return (
    <List
      title="Programme theories"
      filters={[
        <SearchInput key="q" source="q" alwaysOn />,
        <SelectInput key="status" source="status" choices={THEORY_STATUSES} alwaysOn />,
        <TextInput key="fw" source="framework" label="Framework heading" />,
      ]}
      sort={{ field: 'updated_at', order: 'DESC' }}
      perPage={50}
      empty={<NoTheories />}
      actions={
        <TopToolbar>
          <CreateButton label="New theory" />
          <ImportButton />
        </TopToolbar>
      }
    >
      <Datagrid rowClick="edit" bulkActionButtons={false} size="small">
        <TextField source="framework" label="Framework" />
        <TitleLink<Theory> source="statement" to={(t) => `/theories/${t.id}`} text={(t) => t.statement} />
        <FunctionField source="status" render={(t: Theory) => <StatusChip status={t.status} />} />
        <FunctionField
          label="CMOCs"
          render={(t: Theory) =>
            t.cmoc_ids?.length ? (
              <span onClick={(e) => e.stopPropagation()}>
                {t.cmoc_ids.map((id, i) => (
                  <span key={id}>
                    {i > 0 && ', '}
                    <Link to={`/cmocs/${id}`}>#{id}</Link>
                  </span>
                ))}
              </span>
            ) : (
              '—'
            )
          }
        />
        <TextField source="version" label="v" />
        <DateField source="updated_at" label="Updated" locales="en-GB" />
      </Datagrid>
    </List>
  );
}

/** With no theories yet, the list's toolbar is not shown: offer creating and importing here. */
function NoTheories() {
  return (
    <div style={{ padding: 24 }} data-testid="theories-empty">
      <p>No programme theories in this project yet: write one, or import the team's theory file.</p>
      <CreateButton label="New theory" />
      <ImportButton />
    </div>
  );
}
