/** The CMOC builder form: C, M (resource, reasoning), O, memo, status, theories, evidence. */
import type { ReactNode } from 'react';
import { AutocompleteArrayInput, ReferenceArrayInput, SelectInput, SimpleForm, TextInput, required } from 'react-admin';
import { CMOC_STATUSES, evidencePayload } from './choices';
import { EvidenceInput } from './EvidenceInput';

export const transformCmoc = evidencePayload;

export function CmocForm({ children }: { children?: ReactNode }) {
  return (
    <SimpleForm warnWhenUnsavedChanges resetOptions={{ keepDirtyValues: true }}>
      <TextInput source="title" validate={required()} fullWidth />
      <div className="ew-cmo-grid">
        <TextInput source="context" multiline minRows={2} fullWidth helperText="C: in which circumstances" />
        <TextInput
          source="mechanism_resource"
          label="Mechanism: resource"
          multiline
          minRows={2}
          fullWidth
          helperText="M: what the programme offers"
        />
        <TextInput
          source="mechanism_reasoning"
          label="Mechanism: reasoning"
          multiline
          minRows={2}
          fullWidth
          helperText="M: how people respond"
        />
        <TextInput source="outcome" multiline minRows={2} fullWidth helperText="O: what results" />
      </div>
      <SelectInput source="status" choices={CMOC_STATUSES} defaultValue="draft" />
      <ReferenceArrayInput
        source="theory_ids"
        reference="theories"
        perPage={200}
        sort={{ field: 'framework', order: 'ASC' }}
      >
        <AutocompleteArrayInput
          label="Programme theories"
          // Theories are sentences: the picker takes the form's width and shows them whole.
          fullWidth
          optionText={(t: { statement?: string; framework?: string }) =>
            `${t.framework ? `${t.framework}: ` : ''}${t.statement ?? ''}`
          }
          sx={{ minWidth: '60ch' }}
        />
      </ReferenceArrayInput>
      <TextInput source="memo" multiline minRows={2} fullWidth />
      <EvidenceInput />
      {children}
    </SimpleForm>
  );
}
