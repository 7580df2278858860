/**
 * Our own error classes. Workflows list their names in `nonRetryableErrorTypes`, so an error that
 * cannot heal by retrying fails fast instead of retrying forever.
 */

export class FactoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that names something unknown or malformed: a table, a domain, a column, a key. */
export class InvalidInputError extends FactoryError {}

/** The source no longer matches its contract (columns added, dropped or retyped). */
export class ContractDriftError extends FactoryError {}

/** Loaded data does not match the source (row count or checksum differ). */
export class ValidationMismatchError extends FactoryError {}

/** A required driver or tool is not installed (e.g. ibm_db without IBM's CLI driver). */
export class MissingDriverError extends FactoryError {}

/** A catalog state transition that is not allowed (e.g. approving an expired version). */
export class CatalogStateError extends FactoryError {}

export const nonRetryableErrorTypes = [
  'InvalidInputError',
  'ContractDriftError',
  'ValidationMismatchError',
  'MissingDriverError',
  'ContractError',
  'UnsupportedSourceTypeError',
  'UnknownNameError',
  'AmbiguousNameError',
  'LoadStateError',
  'CatalogStateError',
];
