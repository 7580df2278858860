import { accessPolicy } from './access-policy.js';
import { bookingDomain } from './booking.js';
import type { DomainDeclaration } from '../contracts/contract.js';
import { customerDomain } from './customer.js';
import { customerServiceDomain } from './customer_service.js';
import { dataSubjectDeclarations } from './data-subjects.js';
import { loadDataSubjects } from './data-subjects-checks.js';
import { distributionDomain } from './distribution.js';
import { inventoryDomain } from './inventory.js';
import { loadDomains } from './load.js';
import { loyaltyDomain } from './loyalty.js';
import { marketingDomain } from './marketing.js';
import { paymentDomain } from './payment.js';
import { pricingDomain } from './pricing.js';
import { productDomain } from './product.js';
import { referenceDomain } from './reference.js';
import { transportDomain } from './transport.js';
import type { DomainRegistry } from './registry.js';

/**
 * The resort operator's 12 domains. Declared in dependency order (referenced domains first), which
 * the registry does not require but makes the files easier to read top to bottom.
 */
export const declarations: readonly DomainDeclaration[] = [
  referenceDomain,
  customerDomain,
  productDomain,
  pricingDomain,
  distributionDomain,
  inventoryDomain,
  bookingDomain,
  transportDomain,
  paymentDomain,
  loyaltyDomain,
  marketingDomain,
  customerServiceDomain,
];

/** Validated once at import: a broken contract fails every entrypoint at start, with the reason. */
export const registry: DomainRegistry = loadDomains(declarations, { accessPolicy });

/** The people an erasure can name (domains/data-subjects.ts), checked against the contracts at import like them. */
export const dataSubjects = loadDataSubjects(registry, dataSubjectDeclarations);

export { loadDomain, loadDomains, type LoadDomainsOptions } from './load.js';
export { DomainRegistry, editDistance, type Resolved } from './registry.js';
export { tablesInDependencyOrder, referenceEdges, findReferenceCycle, type TableEntry, type ReferenceEdge } from './dependencies.js';
export { ContractError, UnknownNameError, AmbiguousNameError, formatIssue, type ContractIssue } from './errors.js';
export * from '../contracts/contract.js';
export { loadDataSubjects } from './data-subjects-checks.js';
