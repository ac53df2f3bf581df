/** Shapes the backend returns (see the models in backend/ and /tmp/plan/api5.md). */

export type Role = 'viewer' | 'coder' | 'admin';
export type SourceType = 'document' | 'interview' | 'observation';
export type CodeKind = 'context' | 'mechanism' | 'outcome' | 'other';

export interface Project {
  id: number;
  name: string;
  description: string | null;
  created_at: string;
  role: Role | null;
}

export interface Member {
  id: number;
  user_id: number;
  email: string;
  name: string;
  role: Role;
}

export interface DocumentRecord {
  id: number;
  title: string;
  source_type: SourceType;
  document_type: string;
  organisation: string | null;
  date: string | null;
  original_filename: string;
  current_version_id: number | null;
  page_count: number | null;
  status: 'ready' | 'needs_ocr';
  created_at: string;
  updated_at: string;
}

export interface VersionText {
  id: number;
  document_id: number;
  number: number;
  status: string;
  message: string | null;
  page_count: number | null;
  text: string;
  page_offsets: number[]; // code points
}

export interface Passage {
  id: number;
  ordinal: number;
  heading_path: string[];
  page_start: number | null;
  page_end: number | null;
  start: number; // code points
  end: number;
  speaker: string | null;
  text: string;
  document_id: number;
  version_id: number;
}

export interface Annotation {
  id: number;
  document_id: number;
  version_id: number;
  passage_id: number | null;
  start: number;
  end: number;
  start_utf16: number;
  end_utf16: number;
  exact: string;
  prefix: string;
  suffix: string;
  page: number | null;
  memo: string | null;
  code_ids: number[];
  author_id: number;
  author_name: string;
  version: number;
  orphaned: boolean;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface Code {
  id: number;
  name: string;
  kind: CodeKind;
  parent_id: number | null;
  colour: string | null;
  definition: string | null;
  memo: string | null;
  usage: number;
  deleted_at: string | null;
  merged_into: number | null;
}

export interface IngestJob {
  id: number;
  original_filename: string;
  size_bytes: number;
  state: 'queued' | 'running' | 'done' | 'failed';
  outcome: 'created' | 'new_version' | 'unchanged' | 'needs_ocr' | null;
  attempts: number;
  error: string | null;
  document_id: number | null;
  page_count: number | null;
  created_at: string;
  finished_at: string | null;
}

export type TheoryStatus = 'initial' | 'refined' | 'supported' | 'refuted' | 'revised';
export interface Theory {
  id: number;
  framework: string;
  statement: string;
  form: 'free' | 'if_then' | 'cmo';
  status: TheoryStatus;
  version: number;
  cmoc_ids: number[];
  created_at: string;
  updated_at: string;
}

export interface HistoryEntry {
  version: number;
  action: string;
  user_id: number | null;
  at: string;
  reason?: string | null;
  state: Record<string, unknown>;
}

export type Part = 'context' | 'mechanism' | 'outcome';
export type Stance = 'supports' | 'refutes' | 'refines';
export interface Evidence {
  id?: number;
  annotation_id: number;
  part: Part;
  stance: Stance;
  note?: string | null;
  document_id?: number;
  source_type?: string;
  exact?: string;
  page?: number | null;
}

export interface Cmoc {
  id: number;
  title: string;
  context: string;
  mechanism_resource: string;
  mechanism_reasoning: string;
  outcome: string;
  memo: string | null;
  status: 'draft' | 'proposed' | 'supported' | 'refuted' | 'refined';
  theory_ids: number[];
  evidence: Evidence[];
  version: number;
}

export interface SearchHit {
  score: number;
  highlights: string[];
  passage: Passage;
  document: { id: number; title: string; source_type: string; document_type: string; organisation: string | null; date: string | null };
  annotations: { id: number; start: number; end: number; code_ids: number[]; author_id: number; memo: string | null }[];
}

export interface SearchResponse {
  query: string;
  engine: string;
  total: number;
  offset: number;
  limit: number;
  hits: SearchHit[];
  facets: Record<string, { value: string; count: number; label?: string | null }[]>;
  next_cursor: string | null;
}

export interface SavedSearch {
  id: number;
  name: string;
  query: string;
  filters: Record<string, unknown>;
  created_by?: number;
  created_at?: string;
}

export interface Proposal {
  passage_id: number;
  document_id: number;
  title: string;
  page: number | null;
  heading?: string | null;
  heading_path?: string[];
  text: string;
  highlights: string[];
  score: number;
  source_type: string;
}
