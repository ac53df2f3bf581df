import { Edit, useRecordContext, useRefresh } from 'react-admin';
import { useFormState } from 'react-hook-form';
import type { Cmoc } from '../api/types';
import { ConflictDialog, ConflictProvider, useConflictOnError } from '../common/EditConflict';
import { ProposalsPanel } from '../common/ProposalsPanel';
import { useUndoGeneration } from '../common/undo';
import { CMOC_FIELDS } from './choices';
import { CmocForm, transformCmoc } from './CmocForm';

function Proposals() {
  const record = useRecordContext<Cmoc>();
  const { isDirty } = useFormState();
  const refresh = useRefresh();
  if (!record) return null;
  return (
    <ProposalsPanel
      from={{ cmoc_id: record.id }}
      cmocId={record.id}
      disabled={isDirty ? 'Save your changes first: accepting a passage changes this CMOC.' : undefined}
      onDecided={refresh}
    />
  );
}

function Inner() {
  const onError = useConflictOnError();
  // An undo (Ctrl+Z, the notice) replaced the record: the form starts again from it.
  const undone = useUndoGeneration();
  return (
    <Edit
      mutationMode="pessimistic"
      mutationOptions={{ onError }}
      transform={transformCmoc}
      redirect={false}
      title="CMO configuration"
    >
      <CmocForm key={undone}>
        <Proposals />
        <ConflictDialog fields={CMOC_FIELDS} />
      </CmocForm>
    </Edit>
  );
}

export default function CmocEdit() {
  return (
    <ConflictProvider>
      <Inner />
    </ConflictProvider>
  );
}
