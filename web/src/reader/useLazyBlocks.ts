/**
 * Lazy rendering for long documents: only blocks within ~2 screens of the viewport
 * are mounted; the others are placeholders of their measured (or estimated) height,
 * so a 500-page document opens at once and the scrollbar stays honest.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Block } from './blocks';

const LINE_PX = 27;
const CHAR_PX = 7.4;
const MARGIN = '1600px 0px';

export function useLazyBlocks(blocks: Block[], text: string, scroller: React.RefObject<HTMLElement | null>) {
  const [mounted, setMounted] = useState<Set<number>>(() => new Set(blocks.slice(0, 30).map((b) => b.index)));
  const heights = useRef(new Map<number, number>());
  const estimates = useRef(new Map<number, number>());
  const observer = useRef<IntersectionObserver | null>(null);
  const elements = useRef(new Map<number, HTMLElement>());

  useEffect(() => {
    heights.current.clear();
    estimates.current.clear();
    const root = scroller.current;
    const io = new IntersectionObserver(
      (entries) => {
        setMounted((prev) => {
          let next: Set<number> | null = null;
          for (const entry of entries) {
            const i = Number(entry.target.getAttribute('data-block'));
            if (entry.isIntersecting && !prev.has(i)) (next ??= new Set(prev)).add(i);
            if (!entry.isIntersecting && prev.has(i)) {
              heights.current.set(i, entry.boundingClientRect.height);
              (next ??= new Set(prev)).delete(i);
            }
          }
          return next ?? prev;
        });
      },
      { root, rootMargin: MARGIN },
    );
    observer.current = io;
    elements.current.forEach((el) => io.observe(el));
    return () => io.disconnect();
  }, [blocks, scroller]);

  const register = useCallback((index: number, el: HTMLElement | null) => {
    const old = elements.current.get(index);
    if (old && old !== el) observer.current?.unobserve(old);
    if (el) {
      elements.current.set(index, el);
      observer.current?.observe(el);
    } else elements.current.delete(index);
  }, []);

  const estimate = useCallback(
    (b: Block) => {
      const known = heights.current.get(b.index) ?? estimates.current.get(b.index);
      if (known) return known;
      const width = Math.max(320, (scroller.current?.clientWidth ?? 800) - 120);
      const perLine = Math.max(30, Math.floor(width / CHAR_PX));
      const slice = text.slice(b.start, b.end);
      let lines = 0;
      for (const line of slice.split('\n')) lines += Math.max(1, Math.ceil(line.length / perLine));
      const h = lines * LINE_PX + (b.newHeading ? 28 : 0) + (b.newPage ? 22 : 0);
      estimates.current.set(b.index, h);
      return h;
    },
    [text, scroller],
  );

  /** Mount a block now (e.g. before scrolling to something inside it). */
  const mount = useCallback((indexes: number[]) => {
    setMounted((prev) => (indexes.every((i) => prev.has(i)) ? prev : new Set([...prev, ...indexes])));
  }, []);

  return { mounted, register, estimate, mount, elements };
}
