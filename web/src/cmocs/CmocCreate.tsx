import { Create } from 'react-admin';
import { CmocForm, transformCmoc } from './CmocForm';

export default function CmocCreate() {
  return (
    <Create title="New CMO configuration" redirect="edit" transform={transformCmoc}>
      <CmocForm />
    </Create>
  );
}
