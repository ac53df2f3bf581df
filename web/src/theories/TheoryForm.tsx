import { SelectInput, SimpleForm, TextInput, required } from 'react-admin';
import type { ReactNode } from 'react';
import { THEORY_FORMS, THEORY_STATUSES } from './choices';

export function TheoryForm({ editing, children }: { editing?: boolean; children?: ReactNode }) {
  return (
    <SimpleForm warnWhenUnsavedChanges resetOptions={{ keepDirtyValues: true }}>
      <TextInput
        source="framework"
        label="Framework heading"
        fullWidth
        helperText="The heading of the initial programme theory framework it belongs to"
      />
      <TextInput source="statement" validate={required()} multiline minRows={3} fullWidth />
      <SelectInput source="form" choices={THEORY_FORMS} defaultValue="free" />
      <SelectInput source="status" choices={THEORY_STATUSES} defaultValue="initial" />
      {editing && (
        <TextInput source="reason" label="Why it changed (kept in the history)" multiline fullWidth defaultValue="" />
      )}
      {children}
    </SimpleForm>
  );
}
