/**
 * Shapes of the account, sign-in, TOTP and single sign-on endpoints (backend/accounts,
 * backend/mfa, backend/sso): aliases of the generated OpenAPI types (api/schema.ts).
 */
import type { components } from '../api/schema';

type Schemas = components['schemas'];

export type Step = Schemas['Step'];
export type SignedInUser = Schemas['UserPublic'];
/** POST /api/auth/login and its steps: signed in, or `next` says what is left. */
export type SignInResult = Schemas['SignInResult'];
export type TotpEnrolment = Schemas['TotpEnrolment'];
export type TotpStatus = Schemas['TotpStatus'];
export type SsoOptions = Schemas['SsoOptions'];
export type ApiTokenInfo = Schemas['ApiTokenPublic'];
export type LinkedIdentity = Schemas['UserIdentityPublic'];
export type AccountAdminView = Schemas['UserAdminPublic'];
export type AuditEntry = Schemas['AuditEvent'];
