import { describe, expect, it } from 'vitest';
import { parseHighlight, unescapeHtml } from './highlight';
import { filtersOf, fromSaved, fromUrl, toApi, toUrl } from './params';

describe('parseHighlight', () => {
  it('splits marks without injecting HTML', () => {
    expect(parseHighlight('the <mark>board</mark> &amp; <mark>Caf&eacute;</mark> &lt;script&gt;')).toEqual([
      { text: 'the ', mark: false },
      { text: 'board', mark: true },
      { text: ' & ', mark: false },
      { text: 'Caf&eacute;', mark: true },
      { text: ' <script>', mark: false },
    ]);
  });
  it('unescapes numeric entities, including astral ones', () => {
    expect(unescapeHtml('&#39;&#x27;&#128512;')).toBe("''😀");
  });
});

describe('search params', () => {
  it('round-trips through the URL', () => {
    const state = fromUrl(
      '?q=lead*&source_type=interview&source_type=document&code_id=4&date_from=2024-01-01&annotated=true&page=3',
    );
    expect(state.lists.source_type).toEqual(['interview', 'document']);
    expect(fromUrl(`?${toUrl(state)}`)).toEqual(state);
  });
  it('builds API parameters with offset, or the cursor when deep', () => {
    const state = fromUrl('?q=trust&page=3&coder_id=2');
    expect(toApi(state)).toMatchObject({ q: 'trust', offset: 40, limit: 20, coder_id: [2] });
    expect(toApi({ ...state, cursor: 'abc' })).toMatchObject({ cursor: 'abc' });
    expect(toApi({ ...state, cursor: 'abc' }).offset).toBeUndefined();
  });
  it('ranks by words and meaning unless the URL asks for one', () => {
    expect(toApi(fromUrl('?q=staff+felt+heard')).mode).toBe('auto');
    expect(toUrl(fromUrl('?q=x'))).toBe('q=x');
    const words = fromUrl('?q=x&mode=lexical');
    expect(toApi(words).mode).toBe('lexical');
    expect(fromUrl(`?${toUrl(words)}`)).toEqual(words);
    expect(fromUrl('?q=x&mode=psychic').mode).toBe('auto');
  });
  it('saves and restores filters of a saved search', () => {
    const state = fromUrl('?q=board&organisation=C%26M+ICB&date_to=2024-12-31');
    const saved = filtersOf(state);
    expect(saved).toEqual({ organisation: ['C&M ICB'], date_to: '2024-12-31' });
    expect(fromSaved('board', saved)).toEqual({ ...state, page: 1 });
  });
});
