/**
 * A list row's title as a real link, so keyboard users reach it with Tab and open it with
 * Enter (a react-admin rowClick is mouse-only: the row is not focusable). The click stays
 * on the link, so the row's own click does not navigate a second time.
 */
import { FunctionField } from 'react-admin';
import { Link } from 'react-router-dom';

interface Props<T> {
  source: string;
  label?: string;
  to: (record: T) => string;
  text: (record: T) => string;
  testId?: string;
}

export function TitleLink<T extends { id: number }>({ source, label, to, text, testId }: Props<T>) {
  return (
    <FunctionField
      source={source}
      label={label}
      render={(r: T) => (
        <Link to={to(r)} onClick={(e) => e.stopPropagation()} className="ew-title-link" data-testid={testId}>
          {text(r) || '(untitled)'}
        </Link>
      )}
    />
  );
}
