/**
 * How a segment covered by annotations looks: a pale tint of the first code's colour
 * plus one stripe per covering code under the text (up to MAX_STRIPES), so overlaps
 * stay readable: the text itself is never coloured. Pure.
 */
import type { CSSProperties } from 'react';
import { tint } from '../common/codes';

export const MAX_STRIPES = 4;
const STRIPE = 3; // px

/** Distinct colours for a segment, in covering order (annotation order, then code order). */
export function segmentColours(ids: number[], coloursOf: (annotationId: number) => string[]): string[] {
  const out: string[] = [];
  for (const id of ids) for (const c of coloursOf(id)) if (!out.includes(c)) out.push(c);
  return out;
}

export function markStyle(colours: string[], depth: number): CSSProperties {
  if (!colours.length) return {};
  const shown = colours.slice(0, MAX_STRIPES);
  const shadows = shown.map((c, i) => `inset 0 -${STRIPE * (i + 1)}px 0 0 ${c}`);
  return {
    backgroundColor: tint(shown[0], depth > 1 ? 0.26 : 0.16),
    boxShadow: shadows.join(', '),
    paddingBottom: STRIPE * shown.length,
  };
}
