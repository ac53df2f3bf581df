import { useLiveStatus } from '../api/events';

const LABEL = { off: 'Live updates off', connecting: 'Connecting…', live: 'Live', retrying: 'Reconnecting…' } as const;

/** Shows whether colleagues' changes are streaming in. */
export function LiveIndicator() {
  const status = useLiveStatus();
  return (
    <span
      role="status"
      aria-live="polite"
      data-testid="live-status"
      data-status={status}
      className={`ew-live ew-live-${status}`}
    >
      <span className="ew-live-dot" aria-hidden="true" />
      {LABEL[status]}
    </span>
  );
}
