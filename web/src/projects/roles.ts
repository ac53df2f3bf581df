/** A project's roles, as the role pickers offer them (lowest first). */
import type { Role } from '../api/types';
import { type Choice } from '../common/choices';

export const ROLES: Choice<Role>[] = (['viewer', 'coder', 'admin'] as const).map((id) => ({ id, name: id }));
