/** One block of the document: its page and heading labels, then flat segments. */
import { memo } from 'react';
import type { Block } from './blocks';
import { markStyle, segmentColours } from './markStyle';
import { cutAtTarget, segment, type Span } from './segments';
import type { TargetRange } from './target';

export interface BlockLook {
  coloursOf: (annotationId: number) => string[];
  titleOf: (annotationId: number) => string;
  flash: Set<number>;
  focused: number | null;
  target: TargetRange | null; // what the reader was opened at (?passage=, ?at=&to=): highlighted
}

interface Props {
  block: Block;
  text: string;
  spans: Span[];
  look: BlockLook;
}

export const PENDING = -1; // the selection being coded
export const TARGET_NOTE = 'reader-target-note'; // the element saying what the highlight is

function BlockViewInner({ block, text, spans, look }: Props) {
  const t = look.target;
  const segs = cutAtTarget(segment(block.start, block.end, spans), t);
  const target = t != null && t.start < block.end && t.end > block.start;
  return (
    <>
      {block.newPage && (
        <div className="ew-page-label" role="separator" aria-label={`Page ${block.page}`} data-testid="page-label">
          p. {block.page}
        </div>
      )}
      {block.newHeading && (
        <div className="ew-heading" role="heading" aria-level={2} data-testid="heading-label">
          {block.headingPath.join(' › ')}
        </div>
      )}
      <div
        className={target ? 'ew-text ew-target' : 'ew-text'}
        data-passage={block.passageId ?? undefined}
        data-testid={target ? 'reader-target' : undefined}
      >
        {segs.map((s) => {
          const content = text.slice(s.start, s.end);
          // The linked range: a mark of its own (or a flag on an annotation's), described.
          const linked = s.inTarget ? { 'data-target': '', 'aria-describedby': TARGET_NOTE } : {};
          if (!s.ids.length && s.inTarget)
            return (
              <mark key={s.start} data-s={s.start} className="ew-target-mark" data-testid="target-mark" {...linked}>
                {content}
              </mark>
            );
          if (!s.ids.length)
            return (
              <span key={s.start} data-s={s.start}>
                {content}
              </span>
            );
          const real = s.ids.filter((id) => id !== PENDING);
          const pending = real.length !== s.ids.length;
          const cls = ['ew-mark'];
          if (pending) cls.push('ew-pending');
          if (real.some((id) => look.flash.has(id))) cls.push('ew-flash');
          if (look.focused != null && real.includes(look.focused)) cls.push('ew-focused');
          if (real.length > 1) cls.push('ew-overlap');
          if (s.inTarget) cls.push('ew-in-target');
          return (
            <mark
              key={s.start}
              data-s={s.start}
              data-ids={real.join(' ')}
              data-testid={real.length ? 'annotation-mark' : 'pending-mark'}
              className={cls.join(' ')}
              style={markStyle(segmentColours(real, look.coloursOf), real.length)}
              title={real.map(look.titleOf).join('\n')}
              {...linked}
            >
              {content}
            </mark>
          );
        })}
      </div>
    </>
  );
}

export const BlockView = memo(BlockViewInner);
