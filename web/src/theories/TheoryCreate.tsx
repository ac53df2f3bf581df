import { Create } from 'react-admin';
import { TheoryForm } from './TheoryForm';

export default function TheoryCreate() {
  return (
    <Create title="New programme theory" redirect="edit">
      <TheoryForm />
    </Create>
  );
}
