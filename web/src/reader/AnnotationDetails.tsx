/** The annotations under a click: codes, memo, author; edit or delete each (its owner;
 * an admin also deletes anyone's), and its history with revert. */
import { Button, Popover } from '@mui/material';
import { paperProps } from '../common/paperProps';
import type { Annotation, Code } from '../api/types';
import { CodeChip } from '../common/CodeChip';

interface Props {
  anchor: { top: number; left: number } | null;
  annotations: Annotation[];
  codes: Code[];
  canEdit: (a: Annotation) => boolean;
  canDelete: (a: Annotation) => boolean;
  onEdit: (a: Annotation) => void;
  onHistory: (a: Annotation) => void;
  onDelete: (a: Annotation) => void;
  onClose: () => void;
}

export function AnnotationDetails(p: Props) {
  const { anchor, annotations, codes, canEdit, canDelete, onEdit, onDelete, onHistory, onClose } = p;
  return (
    <Popover
      open={!!anchor && annotations.length > 0}
      anchorReference="anchorPosition"
      anchorPosition={anchor ?? { top: 0, left: 0 }}
      onClose={onClose}
      slotProps={{ paper: { ...paperProps('Annotations here', 'annotation-details'), className: 'ew-popover' } }}
    >
      {annotations.map((a) => (
        <section key={a.id} className="ew-ann-card" aria-label={`Annotation by ${a.author_name}`}>
          <div>
            {a.code_ids.map((id) => (
              <CodeChip key={id} code={codes.find((c) => c.id === id)} />
            ))}
          </div>
          <blockquote className="ew-quote">{a.exact.length > 200 ? `${a.exact.slice(0, 200)}…` : a.exact}</blockquote>
          {a.memo && <p className="ew-memo">{a.memo}</p>}
          <div className="ew-muted">
            {a.author_name} · {new Date(a.updated_at).toLocaleString('en-GB')}
            {a.page != null && <> · p. {a.page}</>} · v{a.version}
          </div>
          <div>
            {canEdit(a) && (
              <Button size="small" onClick={() => onEdit(a)} data-testid="annotation-edit">
                Edit codes and memo
              </Button>
            )}
            <Button size="small" onClick={() => onHistory(a)} data-testid="annotation-history">
              History
            </Button>
            {canDelete(a) && (
              <Button size="small" color="error" onClick={() => onDelete(a)} data-testid="annotation-delete">
                Delete
              </Button>
            )}
          </div>
        </section>
      ))}
    </Popover>
  );
}
