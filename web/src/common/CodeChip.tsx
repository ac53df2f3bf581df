import type { Code } from '../api/types';
import { colourOf, KIND_LABEL, KIND_LETTER, tint } from './codes';

/** A code's kind letter, colour and name. */
export function CodeChip({ code, onDelete, title }: { code: Code | undefined; onDelete?: () => void; title?: string }) {
  if (!code) return <span className="ew-code-chip">(deleted code)</span>;
  const colour = colourOf(code);
  return (
    <span
      className="ew-code-chip"
      data-testid="code-chip"
      title={title ?? `${KIND_LABEL[code.kind]}: ${code.name}`}
      style={{ borderLeft: `4px solid ${colour}`, background: tint(colour, 0.12) }}
    >
      <KindBadge kind={code.kind} />
      {code.name}
      {onDelete && (
        <button type="button" className="ew-chip-x" aria-label={`Remove ${code.name}`} onClick={onDelete}>
          ×
        </button>
      )}
    </span>
  );
}

export function KindBadge({ kind }: { kind: Code['kind'] }) {
  return (
    <abbr className={`ew-kind ew-kind-${kind}`} title={KIND_LABEL[kind]} aria-label={KIND_LABEL[kind]}>
      {KIND_LETTER[kind]}
    </abbr>
  );
}
