/** How agreement figures are printed: alpha with Krippendorff's reading of it, percent
 * agreement always as a percentage and never in an alpha column. */
export const fmtAlpha = (v: number | null | undefined) => (v == null ? 'undefined' : v.toFixed(3));
export const fmtPercent = (v: number | null | undefined) => (v == null ? '–' : `${v.toFixed(1)} %`);

/** Krippendorff's rule of thumb: >= .800 reliable, >= .667 tentative. */
export function alphaWord(v: number | null | undefined): { cls: string; word: string } {
  if (v == null) return { cls: 'ew-muted', word: '' };
  if (v >= 0.8) return { cls: 'ew-good', word: 'reliable' };
  if (v >= 0.667) return { cls: 'ew-fair', word: 'tentative' };
  return { cls: 'ew-poor', word: 'low' };
}

export function Alpha({ value, testId }: { value: number | null | undefined; testId?: string }) {
  const { cls, word } = alphaWord(value);
  return (
    <span className={cls} data-testid={testId}>
      {fmtAlpha(value)} {word && <span className="ew-muted">{word}</span>}
    </span>
  );
}
