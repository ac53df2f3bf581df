/**
 * Highlight fragments arrive as HTML-escaped text with <mark>…</mark> (search/base.py).
 * Parse them into parts instead of injecting HTML. Pure.
 */
export interface Part {
  text: string;
  mark: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", apos: "'" };

export function unescapeHtml(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    const known = ENTITIES[name.toLowerCase()];
    if (known) return known;
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return whole;
  });
}

export function parseHighlight(fragment: string): Part[] {
  const parts: Part[] = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fragment))) {
    if (m.index > last) parts.push({ text: unescapeHtml(fragment.slice(last, m.index)), mark: false });
    parts.push({ text: unescapeHtml(m[1]), mark: true });
    last = m.index + m[0].length;
  }
  if (last < fragment.length) parts.push({ text: unescapeHtml(fragment.slice(last)), mark: false });
  return parts;
}
