/** Screens loaded on demand, each inside a loading boundary of its own. */
import { lazy, Suspense, type ComponentType, type JSX } from 'react';
import { Loading } from 'react-admin';

/**
 * A lazily loaded screen. React Router navigates inside a transition, and a transition never
 * hides content already on view: with only the layout's shared boundary, a screen whose code is
 * still loading left the previous screen mounted and live under the new URL. A list there could
 * still apply a pending (debounced) filter change and navigate back to itself — opening a
 * document from the documents list sometimes landed on the list again. A boundary mounted with
 * the screen shows the loading indicator at once, so the previous screen goes when the URL
 * changes.
 */
export function screen(load: () => Promise<{ default: ComponentType }>): () => JSX.Element {
  const Lazy = lazy(load);
  return function Screen() {
    return (
      <Suspense fallback={<Loading />}>
        <Lazy />
      </Suspense>
    );
  };
}
