import { CatalogStateError } from '../../core/errors.js';
import type { Decision, VersionStatus } from './port.js';

/**
 * The states a product version moves through (see port.ts). Pure: the store checks every decision
 * against this table inside the transaction that records it.
 */
export const allowedDecisions: Readonly<Record<VersionStatus, readonly Decision[]>> = {
  pending: ['approved', 'rejected', 'expired', 'superseded', 'published'],
  approved: ['published', 'superseded'],
  // Only a newer publication supersedes a published version; the store does that itself.
  published: [],
  rejected: [],
  expired: [],
  superseded: [],
};

export type TransitionOutcome = 'apply' | 'already';

/**
 * Whether `decision` may be recorded on a version in `status`: 'already' when it is the state the
 * version is in (a retried activity), 'apply' when the arrow exists; otherwise a CatalogStateError
 * naming the version, its state and what it could still become.
 */
export function checkTransition(name: string, version: number, status: VersionStatus, decision: Decision): TransitionOutcome {
  if (status === decision) return 'already';
  if (allowedDecisions[status].includes(decision)) return 'apply';
  const open = allowedDecisions[status];
  throw new CatalogStateError(
    `${name} version ${version} is ${status}: cannot record '${decision}'` +
      (open.length ? ` (from ${status} it can only become ${open.join(' or ')})` : ` (${status} is final)`),
  );
}
