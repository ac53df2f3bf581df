/**
 * What a deep link asks the reader to highlight: one range of the text in UTF-16 units
 * (string indexes). `?passage=<id>` targets that passage; `?at=<start>&to=<end>` a span
 * (the agreement drill-down links a disagreement so). A link is typed or pasted by
 * people, so anything that does not name a real, non-empty range of this text gives no
 * target rather than a wrong highlight or a crash. Pure.
 */
import type { Passage } from '../api/types';
import type { ToUtf16 } from './utf16';

export interface TargetRange {
  start: number;
  end: number;
}

const WHOLE = /^\d{1,15}$/; // plain digits only: no sign, exponent, fraction or blanks

/** A non-negative whole number from a URL parameter, else null. */
export function offsetParam(value: string | null): number | null {
  return value != null && WHOLE.test(value) ? Number(value) : null;
}

function inText(start: number, end: number, length: number): TargetRange | null {
  return start >= 0 && start < end && end <= length ? { start, end } : null;
}

/** The range the URL asks for in a text of `length` units, or null. */
export function readerTarget(
  params: URLSearchParams,
  length: number,
  passages: Pick<Passage, 'id' | 'start' | 'end'>[], // bounds in code points
  toUtf16: ToUtf16,
): TargetRange | null {
  const passageId = offsetParam(params.get('passage'));
  if (passageId != null) {
    const p = passages.find((x) => x.id === passageId);
    return p ? inText(toUtf16(p.start), toUtf16(p.end), length) : null;
  }
  const start = offsetParam(params.get('at'));
  const end = offsetParam(params.get('to'));
  return start != null && end != null ? inText(start, end, length) : null;
}
