/**
 * The API's shapes, by the names the app uses. Every one is an alias into ./schema.ts,
 * which scripts/api-types.sh generates from the backend's OpenAPI schema (CI fails when
 * it is stale), so the web app cannot drift from what the API accepts and returns.
 * Write no shape by hand here: change the backend model and regenerate.
 */
import type { components } from './schema';

type Schemas = components['schemas'];

export type Role = Schemas['Role'];
export type SourceType = Schemas['SourceType'];
export type DocumentType = Schemas['DocumentType'];
export type CodeKind = Schemas['CodeKind'];
export type Part = Schemas['Part'];
export type Stance = Schemas['Stance'];
export type TheoryStatus = Schemas['TheoryStatus'];

export type User = Schemas['UserPublic'];
export type Me = Schemas['Me'];
export type Project = Schemas['ProjectPublic'];
export type ProjectCreate = Schemas['ProjectCreate'];
export type Member = Schemas['MemberPublic'];
export type MemberCreate = Schemas['MemberCreate'];

export type DocumentRecord = Schemas['DocumentPublic'];
export type VersionText = Schemas['DocumentVersionText'];
export type Passage = Schemas['PassagePublic'];
export type IngestJob = Schemas['IngestJobPublic'];

export type Annotation = Schemas['AnnotationPublic'];
export type AnnotationCreate = Schemas['AnnotationCreate'];
export type AnnotationUpdate = Schemas['AnnotationUpdate'];
export type Code = Schemas['CodePublic'];
export type CodeCreate = Schemas['CodeCreate'];
export type CodeUpdate = Schemas['CodeUpdate'];

export type Theory = Schemas['TheoryPublic'];
export type HistoryEntry = Schemas['TheoryRevisionPublic'];
export type Cmoc = Schemas['CmocPublic'];
/** Evidence as the CMOC builder holds it: what it sends, plus what the API returned. */
export type EvidenceIn = Schemas['EvidenceIn'];
export type Evidence = Schemas['EvidenceIn'] & Partial<Omit<Schemas['EvidencePublic'], keyof Schemas['EvidenceIn']>>;

export type SearchResponse = Schemas['SearchResponse'];
export type SearchHit = Schemas['SearchHitPublic'];
export type SavedSearch = Schemas['SavedSearchPublic'];

export type Proposal = Schemas['Proposal'];
export type ProposalDecisionCreate = Schemas['ProposalDecisionCreate'];

export type Round = Schemas['RoundPublic'];
export type RoundCreate = Schemas['RoundCreate'];
export type RoundAgreement = Schemas['RoundAgreement'];
export type Disagreement = Schemas['DisagreementPublic'];
export type AdjudicationQueue = Schemas['AdjudicationQueue'];
export type QueueItem = Schemas['QueueItem'];
export type DecisionIn = Schemas['DecisionIn'];
