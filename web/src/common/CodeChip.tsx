import type { Code, CodeKind } from '../api/types';
import { colourOf, KIND_LABEL, KIND_LETTER, tint } from './codes';

/** A code's kind letter, colour and name. */
export function CodeChip({ code, onDelete, title }: { code: Code | undefined; onDelete?: () => void; title?: string }) {
  if (!code) return <span className="ew-code-chip">(deleted code)</span>;
  const colour = colourOf(code);
  return (
    <span
      className="ew-code-chip"
      data-testid="code-chip"
      title={title ?? `${KIND_LABEL[code.effective_kind]}: ${code.name}`}
      style={{ borderLeft: `4px solid ${colour}`, background: tint(colour, 0.12) }}
    >
      <KindBadge kind={code.effective_kind} />
      {code.name}
      {onDelete && (
        <button type="button" className="ew-chip-x" aria-label={`Remove ${code.name}`} onClick={onDelete}>
          ×
        </button>
      )}
    </span>
  );
}

/** A kind's letter; `inherited` says it comes from the parent (the code has none of its own). */
export function KindBadge({ kind, inherited = false }: { kind: CodeKind; inherited?: boolean }) {
  const label = inherited ? `${KIND_LABEL[kind]} (from its parent)` : KIND_LABEL[kind];
  return (
    <abbr
      className={`ew-kind ew-kind-${kind}${inherited ? ' ew-kind-inherited' : ''}`}
      title={label}
      aria-label={label}
    >
      {KIND_LETTER[kind]}
    </abbr>
  );
}
