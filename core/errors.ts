import { ContractError, PermanentError } from '../contracts/errors.js';
import { UnsupportedSourceTypeError } from '../contracts/source-types.js';

/**
 * Errors by kind. A PermanentError cannot heal by retrying; everything else (a dropped connection,
 * a busy warehouse, a timeout) is transient and retried under the activity's retry policy. Temporal
 * matches `nonRetryableErrorTypes` against the thrown class's own name, not its ancestry, so every
 * permanent class an activity can throw is declared here or in contracts/ (both visible to workflow
 * code) and listed in `permanentErrors`; connectors throw these classes rather than subclassing them.
 */

export { PermanentError };

/** Input that names something unknown or malformed: a table, a domain, a column, a key. */
export class InvalidInputError extends PermanentError {}

/** The source no longer matches its contract (columns added, dropped or retyped). */
export class ContractDriftError extends PermanentError {}

/** Loaded data does not match the source (row count or checksum differ). */
export class ValidationMismatchError extends PermanentError {}

/** A required driver or tool is not installed (e.g. ibm_db without IBM's CLI driver). */
export class MissingDriverError extends PermanentError {}

/** A catalog state transition that is not allowed (e.g. approving an expired version). */
export class CatalogStateError extends PermanentError {}

/** The source has no table of that schema and name. */
export class TableNotFoundError extends PermanentError {}

/** A source column's type that the connector cannot map to a contract type (e.g. DB2 XML, PostgreSQL integer[]). */
export class UnsupportedColumnTypeError extends PermanentError {}

/** A token that does not prove who the caller is (expired, wrong issuer or audience, bad signature) or no token at all. */
export class IdentityRefusedError extends PermanentError {}

/**
 * The erasure ledger's key is missing, or is not the one the ledger or the request was hashed with:
 * ingestion into a table the ledger names stops rather than let an erased subject back in.
 */
export class ErasureKeyError extends PermanentError {}

/** A warehouse load table in a state that does not allow the step (e.g. loading into a swapped load). */
export class LoadStateError extends PermanentError {
  constructor(readonly loadTable: string, message: string) {
    super(`load table ${loadTable}: ${message}`);
  }
}

/** A domain or table name that the registry does not know; the message suggests the closest names. */
export class UnknownNameError extends PermanentError {
  constructor(
    readonly requested: string,
    readonly closest: readonly string[],
    what: string,
  ) {
    super(`unknown ${what} "${requested}": closest are ${closest.join(', ')}`);
  }
}

/** A bare table name that several domains declare; the caller must qualify it. */
export class AmbiguousNameError extends PermanentError {
  constructor(
    readonly requested: string,
    readonly candidates: readonly string[],
  ) {
    super(`ambiguous table name "${requested}": declared as ${candidates.join(', ')} — expected '<domain>.<table>'`);
  }
}

/**
 * A change capture that does not cover a table within the bounded wait: a backfill starting now
 * could record a position from which changes to the table never reach the change topics.
 */
export class CaptureCoverageError extends PermanentError {}

/**
 * Every permanent class. The first ten keep the order of the list committed histories carry in
 * their retry policies; new classes go at the end.
 */
export const permanentErrors = [
  InvalidInputError,
  ContractDriftError,
  ValidationMismatchError,
  MissingDriverError,
  ContractError,
  UnsupportedSourceTypeError,
  UnknownNameError,
  AmbiguousNameError,
  LoadStateError,
  CatalogStateError,
  TableNotFoundError,
  UnsupportedColumnTypeError,
  IdentityRefusedError,
  ErasureKeyError,
  CaptureCoverageError,
] as const;

/** The names workflows pass as `nonRetryableErrorTypes`: derived from the classes, never typed by hand. */
export const nonRetryableErrorTypes: string[] = permanentErrors.map((kind) => kind.name);
