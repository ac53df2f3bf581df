import { describe, expect, it } from 'vitest';

import type { Proposal } from '../api/types';
import { proposalReasons } from './ProposalsPanel';

const base: Proposal = {
  passage_id: 1,
  document_id: 2,
  title: 'Board paper',
  source_type: 'document',
  organisation: null,
  page: 3,
  heading_path: [],
  speaker: null,
  text: 'The engagement survey showed improved voice scores.',
  highlights: [],
  score: 0.03,
  method: 'hybrid',
  shared_terms: [],
  similarity: 0.4123,
  lexical_rank: null,
  semantic_rank: 1,
};

describe('proposalReasons', () => {
  it('shows a paraphrase with no shared word by its similarity', () => {
    expect(proposalReasons(base)).toBe('similar in meaning (0.41) · no words in common');
  });
  it('lists shared words, and says when only words were matched', () => {
    const lexical = { ...base, method: 'lexical', similarity: null, shared_terms: ['board', 'survey'] };
    expect(proposalReasons(lexical)).toBe('shares: board, survey · word matching only');
  });
});
