import { STATUS_COLOURS } from '../layout/theme';

/** A status as text on a pale fill: never colour alone. */
export function StatusChip({ status, label }: { status: string | null | undefined; label?: string }) {
  if (!status) return null;
  const c = STATUS_COLOURS[status] ?? STATUS_COLOURS.draft;
  return (
    <span
      className="ew-chip"
      data-status={status}
      style={{
        color: c.fg,
        background: c.bg,
        padding: '1px 6px',
        borderRadius: 3,
        fontSize: '0.85em',
        whiteSpace: 'nowrap',
      }}
    >
      {label ?? status.replace(/_/g, ' ')}
    </span>
  );
}
