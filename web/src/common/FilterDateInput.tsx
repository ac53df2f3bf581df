/**
 * A date filter of a list that changes the filter only when the date does.
 *
 * react-admin's DateInput hands its value to the form again on every blur, so tabbing
 * through an empty one counted as a filter change: about a second later the list
 * navigated to itself (`/documents?filter={}…`). Had the user opened a document in that
 * second, the list, not yet gone, took them back to it. This input reports a change
 * only from the browser's own change event, that is when a date is picked, typed in full
 * or cleared.
 */
import type { ChangeEvent } from 'react';
import { TextField } from '@mui/material';
import { useInput } from 'react-admin';

interface Props {
  source: string;
  label: string;
  // Read by react-admin's filter form from the element, not used here.
  alwaysOn?: boolean;
}

export function FilterDateInput({ source, label }: Props) {
  const { field, id } = useInput<string | undefined>({ source });
  // react-hook-form types a field's value as any; a filter's date is a string or unset.
  const current = typeof field.value === 'string' ? field.value : '';
  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    // An empty or half-typed date is no date: the filter is cleared.
    if (event.target.value !== current) field.onChange(event.target.value);
  };
  return (
    <TextField
      id={id}
      type="date"
      label={label}
      size="small"
      value={current}
      onChange={onChange}
      slotProps={{ inputLabel: { shrink: true } }}
    />
  );
}
