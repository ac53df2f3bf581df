import {
  CreateButton,
  Datagrid,
  DateField,
  FunctionField,
  List,
  ReferenceArrayField,
  SearchInput,
  SelectInput,
  SingleFieldList,
  ChipField,
  TopToolbar,
} from 'react-admin';
import type { Cmoc } from '../api/types';
import { StatusChip } from '../common/StatusChip';
import { TitleLink } from '../common/TitleLink';
import { CMOC_STATUSES } from './choices';

function counts(c: Cmoc): string {
  const n = (part: string) => c.evidence?.filter((e) => e.part === part).length ?? 0;
  return `C ${n('context')} · M ${n('mechanism')} · O ${n('outcome')}`;
}

export default function CmocList() {
  return (
    <List
      title="CMO configurations"
      filters={[
        <SearchInput key="q" source="q" alwaysOn />,
        <SelectInput key="s" source="status" choices={CMOC_STATUSES} alwaysOn />,
      ]}
      sort={{ field: 'updated_at', order: 'DESC' }}
      perPage={50}
      actions={
        <TopToolbar>
          <CreateButton label="New CMOC" />
        </TopToolbar>
      }
    >
      <Datagrid rowClick="edit" bulkActionButtons={false} size="small">
        <TitleLink<Cmoc> source="title" to={(c) => `/cmocs/${c.id}`} text={(c) => c.title} />
        <FunctionField
          label="C · M · O"
          render={(c: Cmoc) => (
            <span className="ew-wrap ew-cmo-summary">
              {[c.context, c.mechanism_reasoning || c.mechanism_resource, c.outcome].filter(Boolean).join(' → ')}
            </span>
          )}
        />
        <FunctionField source="status" render={(c: Cmoc) => <StatusChip status={c.status} />} />
        <FunctionField label="Evidence" render={counts} />
        <ReferenceArrayField source="theory_ids" reference="theories" label="Theories" sortable={false}>
          <SingleFieldList linkType="edit">
            <ChipField source="framework" size="small" />
          </SingleFieldList>
        </ReferenceArrayField>
        <DateField source="updated_at" label="Updated" locales="en-GB" />
      </Datagrid>
    </List>
  );
}
