import { parseHighlight } from './highlight';

export function Highlight({ fragment }: { fragment: string }) {
  return (
    <>
      {parseHighlight(fragment).map((p, i) =>
        p.mark ? (
          <mark key={i} className="ew-hit-mark">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}
