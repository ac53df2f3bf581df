/**
 * Code point -> UTF-16 offsets for one text. The API gives annotations in both units
 * (start_utf16/end_utf16), but passage bounds and the page map come in code points
 * only; this is the one place the reader converts them. Only astral characters (emoji,
 * some CJK) differ: count them once, then bisect.
 */
export type ToUtf16 = (codePoint: number) => number;

export function codePointToUtf16(text: string): ToUtf16 {
  const astral: number[] = []; // code point indexes of characters that take two units
  let cp = 0;
  for (let i = 0; i < text.length; i++, cp++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        astral.push(cp);
        i++;
      }
    }
  }
  if (!astral.length) return (c) => c;
  return (c) => {
    let lo = 0;
    let hi = astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (astral[mid] < c) lo = mid + 1;
      else hi = mid;
    }
    return c + lo;
  };
}
