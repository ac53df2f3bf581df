import type { HTMLAttributes } from 'react';

/**
 * A popover's or drawer's paper as a labelled dialog with a test hook: MUI types Paper's
 * props as div attributes, whose object literal leaves out data-* keys.
 */
export function paperProps(label: string, testId: string): HTMLAttributes<HTMLDivElement> {
  const props: HTMLAttributes<HTMLDivElement> & { 'data-testid': string } = {
    role: 'dialog',
    'aria-label': label,
    'data-testid': testId,
  };
  return props;
}
