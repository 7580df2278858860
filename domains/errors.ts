/**
 * Errors of the contract layer, declared where every layer can see them (contracts/, core/) so the
 * workflows' non-retryable list can name them; re-exported here for the domain code that throws them.
 */
export { ContractError, formatIssue, type ContractIssue } from '../contracts/errors.js';
export { AmbiguousNameError, UnknownNameError } from '../core/errors.js';
