/**
 * Code search with keyboard: type to filter (accents and case ignored), arrows to move,
 * Enter to toggle, recent codes one click (Alt+1..8) away. Admins may create a code.
 */
import { errorMessage } from '../api/errors';
import { useMemo, useState, type KeyboardEvent } from 'react';
import type { Code } from '../api/types';
import { CodeChip, KindBadge } from '../common/CodeChip';
import { colourOf, fold, kindGroups, treeRows } from '../common/codes';

interface Props {
  codes: Code[];
  selected: number[];
  recent: number[];
  onChange: (ids: number[]) => void;
  onCreate?: (name: string) => Promise<Code>;
  onSubmit: () => void;
}

export function CodePicker({ codes, selected, recent, onChange, onCreate, onSubmit }: Props) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [createError, setCreateError] = useState<string | null>(null);
  const rows = useMemo(() => treeRows(codes), [codes]);
  // Grouped by kind (Context, Mechanism, Outcome, Other); arrows walk them in that order.
  const groups = useMemo(() => {
    const q = fold(query.trim());
    const found = q ? rows.filter((r) => fold(r.path).includes(q)) : rows;
    // At most 40 options in all: the first 40 in group order.
    const kept = new Set(
      kindGroups(found)
        .flatMap((g) => g.rows.map((r) => r.code.id))
        .slice(0, 40),
    );
    return kindGroups(found.filter((r) => kept.has(r.code.id)));
  }, [rows, query]);
  const matches = useMemo(() => groups.flatMap((g) => g.rows), [groups]);
  const toggle = (id: number) => onChange(selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id]);
  const recentCodes = recent.flatMap((id) => codes.find((c) => c.id === id) ?? []);
  const canCreate = !!onCreate && query.trim() && !rows.some((r) => fold(r.code.name) === fold(query.trim()));

  const create = async () => {
    if (!onCreate) return;
    try {
      const code = await onCreate(query.trim());
      onChange([...selected, code.id]);
      setQuery('');
      setCreateError(null);
    } catch (err) {
      setCreateError(errorMessage(err));
    }
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSubmit();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, matches.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (matches[active]) {
        toggle(matches[active].code.id);
        setQuery('');
        setActive(0);
      } else if (canCreate) void create();
    } else if (e.altKey && /^[1-8]$/.test(e.key)) {
      e.preventDefault();
      const code = recentCodes[Number(e.key) - 1];
      if (code) toggle(code.id);
    }
  };

  return (
    <div className="ew-picker">
      <input
        autoFocus
        className="ew-input"
        value={query}
        placeholder="Search codes… (↑↓ Enter)"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKey}
        role="combobox"
        aria-label="Search codes"
        aria-expanded="true"
        aria-controls="code-options"
        aria-activedescendant={matches[active] ? `code-opt-${matches[active].code.id}` : undefined}
        data-testid="code-search"
      />
      {recentCodes.length > 0 && (
        <div className="ew-recent" aria-label="Recent codes">
          <span className="ew-muted">Recent:</span>
          {recentCodes.map((c, i) => (
            <button
              key={c.id}
              type="button"
              className={`ew-recent-btn${selected.includes(c.id) ? ' on' : ''}`}
              aria-pressed={selected.includes(c.id)}
              onClick={() => toggle(c.id)}
              title={`Alt+${i + 1}`}
              data-testid="recent-code"
            >
              <span className="ew-swatch" style={{ background: colourOf(c) }} />
              {c.name}
            </button>
          ))}
        </div>
      )}
      <ul id="code-options" role="listbox" aria-multiselectable="true" aria-label="Codes" className="ew-options">
        {groups.map((g) => (
          <li key={g.kind} role="group" aria-labelledby={`code-group-${g.kind}`} data-testid="code-option-group">
            <span id={`code-group-${g.kind}`} className="ew-option-group" role="presentation">
              {g.label}
            </span>
            <ul role="none" className="ew-plainlist">
              {g.rows.map((r) => {
                const i = matches.indexOf(r);
                return (
                  <li
                    key={r.code.id}
                    id={`code-opt-${r.code.id}`}
                    role="option"
                    aria-selected={selected.includes(r.code.id)}
                    className={`ew-option${i === active ? ' active' : ''}`}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => toggle(r.code.id)}
                    data-testid="code-option"
                  >
                    {/* A drawn box, not an <input>: a control inside an option is nested
                        interactive content; the option's aria-selected is what is read. */}
                    <span className="ew-check" aria-hidden="true">
                      {selected.includes(r.code.id) ? '☑' : '☐'}
                    </span>
                    <span className="ew-swatch" style={{ background: colourOf(r.code) }} />
                    <KindBadge kind={r.code.effective_kind} inherited={r.code.kind == null} />
                    <span className="ew-option-path">{r.path}</span>
                    <span className="ew-muted">{r.code.usage}</span>
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
        {!matches.length && !canCreate && <li className="ew-muted">No code matches.</li>}
        {canCreate && (
          <li
            className="ew-option"
            role="option"
            aria-selected={false}
            onClick={() => void create()}
            data-testid="code-create"
          >
            + Create code “{query.trim()}”
          </li>
        )}
      </ul>
      {createError && (
        <p role="alert" className="ew-error-text">
          {createError}
        </p>
      )}
      <div className="ew-selected" role="group" aria-label="Chosen codes">
        {selected.map((id) => (
          <CodeChip key={id} code={codes.find((c) => c.id === id)} onDelete={() => toggle(id)} />
        ))}
      </div>
    </div>
  );
}
