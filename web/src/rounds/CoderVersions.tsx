/** One disagreement as the drill-down and the adjudicator see it: each coder's spans
 * (boundaries in characters, the words they cover) and codes, side by side. */
import type { Code, Disagreement } from '../api/types';
import { CodeChip } from '../common/CodeChip';

export const KIND_LABEL: Record<Disagreement['kind'], string> = {
  agreement: 'agreement',
  unmatched: 'coded by some coders only',
  codes: 'same span, different codes',
  boundaries: 'different boundaries',
};

/** The words of the region a coder's span covers (offsets are code points, as the API's). */
export function quoteOf(region: Disagreement, start: number, end: number): string {
  const chars = Array.from(region.text);
  return chars.slice(Math.max(0, start - region.start), Math.max(0, end - region.start)).join('');
}

export function CoderVersions({
  region,
  codes,
  letters = false,
}: {
  region: Disagreement;
  codes: Code[];
  letters?: boolean; // label coders A, B, … (the adjudication keys)
}) {
  const byId = new Map(codes.map((c) => [c.id, c]));
  return (
    <table className="ew-table ew-versions" aria-label="Each coder's version">
      <tbody>
        {region.codings.map((c, i) => (
          <tr key={c.coder_id} data-testid="coder-version" data-coder={c.coder_id}>
            <th scope="row">
              {letters && <kbd>{String.fromCharCode(65 + i)}</kbd>} {c.coder}
            </th>
            <td>
              {c.annotations.length === 0 ? (
                <span className="ew-muted">coded nothing here</span>
              ) : (
                c.annotations.map((a) => (
                  <div key={a.id} data-testid="coder-span">
                    <span className="ew-muted">
                      characters {a.start}–{a.end}
                    </span>{' '}
                    {a.code_ids.map((id) => (
                      <CodeChip key={id} code={byId.get(id)} />
                    ))}
                    <blockquote className="ew-quote">{quoteOf(region, a.start, a.end)}</blockquote>
                  </div>
                ))
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
