import { describe, expect, it } from 'vitest';
import { guessNote, lowPages, pageList } from './provenance';

describe('provenance', () => {
  it('lists the low-confidence OCR pages', () => {
    const version = {
      page_sources: [
        { page: 1, text_source: 'ocr', confidence: 91, low_confidence: false },
        { page: 2, text_source: 'ocr', confidence: 44, low_confidence: true },
        { page: 3, text_source: 'text_layer', confidence: null, low_confidence: false },
        { page: 4, text_source: 'ocr', confidence: 51, low_confidence: true },
      ],
    };
    expect(lowPages(version)).toEqual([2, 4]);
    expect(lowPages(undefined)).toEqual([]);
    expect(pageList([2, 4, 7])).toBe('pages 2, 4 and 7');
    expect(pageList([2])).toBe('page 2');
  });

  it('says a guessed field is guessed, and by which rule, until a person saves it', () => {
    const record = {
      metadata_sources: { date: 'ratified', title: 'user', organisation: 'none', source_type: 'upload' },
    };
    expect(guessNote(record, 'date')).toBe('Guessed from its "ratified" date: check it; saving makes it yours');
    expect(guessNote(record, 'title')).toBeUndefined();
    expect(guessNote(record, 'source_type')).toBeUndefined();
    expect(guessNote(record, 'organisation')).toBe('Guessed: nothing found in the file');
    expect(guessNote(record, 'document_type')).toBeUndefined(); // no source recorded: older documents
  });
});
