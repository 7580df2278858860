import { checkAccessPolicy } from './access-policy-checks.js';
import { checkDomain } from './checks.js';
import { domainSchema, type DomainContract } from '../contracts/contract.js';
import { ContractError, type ContractIssue } from './errors.js';
import { checkRegistry } from './registry-checks.js';
import { DomainRegistry } from './registry.js';
import { issuesFromZod } from './zod-issues.js';

/**
 * The only way from a declaration to a contract: zod's field rules, then the rules across fields
 * (checks.ts), then — for a set of domains — the rules across domains (registry-checks.ts). Every
 * problem found at one stage is reported together, so one run lists all edits to make.
 */

function domainLabel(declaration: unknown, position: number | undefined): string {
  const name = declaration !== null && typeof declaration === 'object' ? (declaration as { name?: unknown }).name : undefined;
  if (typeof name === 'string' && name !== '') return name;
  return position === undefined ? '(no name)' : `(declarations[${position}])`;
}

/** Parses one domain; returns the contract or the issues, without throwing. */
function parseDomain(declaration: unknown, position?: number): { contract: DomainContract } | { issues: ContractIssue[] } {
  const domain = domainLabel(declaration, position);
  const parsed = domainSchema.safeParse(declaration, { reportInput: true });
  if (!parsed.success) return { issues: issuesFromZod(declaration, domain, parsed.error) };
  const issues = checkDomain(parsed.data);
  return issues.length > 0 ? { issues } : { contract: parsed.data };
}

/** Validates one domain declaration on its own (references to other domains are not checked). */
export function loadDomain(declaration: unknown): DomainContract {
  const result = parseDomain(declaration);
  if ('issues' in result) throw new ContractError(result.issues);
  return result.contract;
}

export interface LoadDomainsOptions {
  /** The access policy (domains/access-policy.ts), checked against the contracts once they hold. */
  accessPolicy?: unknown;
}

/** Validates a set of domains, each on its own and then against each other, then the access policy against them. */
export function loadDomains(declarations: readonly unknown[], options: LoadDomainsOptions = {}): DomainRegistry {
  const contracts: DomainContract[] = [];
  const issues: ContractIssue[] = [];
  declarations.forEach((declaration, i) => {
    const result = parseDomain(declaration, i);
    if ('issues' in result) issues.push(...result.issues);
    else contracts.push(result.contract);
  });
  // Cross-domain rules on a partial set would report follow-on errors ("domain not declared").
  if (issues.length > 0) throw new ContractError(issues);
  const registryIssues = checkRegistry(contracts);
  if (registryIssues.length > 0) throw new ContractError(registryIssues);
  if (options.accessPolicy === undefined) return new DomainRegistry(contracts);
  const access = checkAccessPolicy(options.accessPolicy, contracts);
  if (access.issues.length > 0) throw new ContractError(access.issues);
  return new DomainRegistry(contracts, access.policy);
}
