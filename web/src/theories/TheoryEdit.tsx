import { Edit } from 'react-admin';
import { ConflictDialog, ConflictProvider, useConflictOnError } from '../common/EditConflict';
import { THEORY_FIELDS } from './choices';
import { TheoryForm } from './TheoryForm';
import { TheoryAside } from './TheoryHistory';

const dropEmptyReason = (data: Record<string, unknown>) => {
  const { reason, ...rest } = data;
  return reason ? { ...rest, reason } : rest;
};

function Inner() {
  const onError = useConflictOnError();
  return (
    <Edit
      mutationMode="pessimistic"
      mutationOptions={{ onError }}
      aside={<TheoryAside />}
      redirect={false}
      title="Programme theory"
      transform={dropEmptyReason}
    >
      <TheoryForm editing>
        <ConflictDialog fields={THEORY_FIELDS} />
      </TheoryForm>
    </Edit>
  );
}

export default function TheoryEdit() {
  return (
    <ConflictProvider>
      <Inner />
    </ConflictProvider>
  );
}
