/** Programme theories: status, framework, their CMOCs one click away. */
import { useRef } from 'react';
import { CreateButton, Datagrid, DateField, FunctionField, List, SearchInput, SelectInput, TextField, TextInput, TopToolbar, useNotify, useRefresh, Button } from 'react-admin';
import { Link } from 'react-router-dom';
import { api } from '../api/http';
import { projectPath } from '../api/project';
import type { Theory } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { THEORY_STATUSES } from './choices';

function ImportButton() {
  const input = useRef<HTMLInputElement>(null);
  const notify = useNotify();
  const refresh = useRefresh();
  const upload = async (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const { json } = await api<{ created: number }>(projectPath('/theories/import'), { method: 'POST', body: form });
      notify(`Imported ${json.created} theories`);
      refresh();
    } catch (err) {
      notify((err as Error).message, { type: 'error' });
    }
  };
  return (
    <>
      <Button label="Import CSV / Markdown" onClick={() => input.current?.click()} />
      <input ref={input} type="file" accept=".csv,.md,.markdown,.txt" hidden aria-label="Theories file to import" onChange={(e) => { const f = e.target.files?.[0]; if (f) upload(f); e.target.value = ''; }} />
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
      actions={<TopToolbar><CreateButton label="New theory" /><ImportButton /></TopToolbar>}
    >
      <Datagrid rowClick="edit" bulkActionButtons={false} size="small">
        <TextField source="framework" label="Framework" />
        <FunctionField source="statement" render={(t: Theory) => <span className="ew-wrap">{t.statement}</span>} />
        <FunctionField source="status" render={(t: Theory) => <StatusChip status={t.status} />} />
        <FunctionField
          label="CMOCs"
          render={(t: Theory) =>
            t.cmoc_ids?.length ? (
              <span onClick={(e) => e.stopPropagation()}>
                {t.cmoc_ids.map((id, i) => (
                  <span key={id}>{i > 0 && ', '}<Link to={`/cmocs/${id}`}>#{id}</Link></span>
                ))}
              </span>
            ) : '—'
          }
        />
        <TextField source="version" label="v" />
        <DateField source="updated_at" label="Updated" locales="en-GB" />
      </Datagrid>
    </List>
  );
}
