import type { DataProductContract, DomainContract } from '../contracts/contract.js';
import { UnknownNameError } from './errors.js';
import type { DomainRegistry } from './registry.js';
import { InvalidInputError } from '../core/errors.js';
import type { AccessContext } from '../core/access/policy.js';

/** A data product found by name, with its tables as '<domain>.<table>'. */
export interface ResolvedProduct {
  domain: DomainContract;
  product: DataProductContract;
  /** '<domain>.<product>'. */
  qualifiedName: string;
  tables: string[];
}

/** A product's table entries ('<table>' of its own domain or '<domain>.<table>'), qualified. */
export function productTables(domain: DomainContract, product: DataProductContract): string[] {
  return product.tables.map((entry) => (entry.includes('.') ? entry : `${domain.name}.${entry}`));
}

export function allProducts(registry: DomainRegistry): ResolvedProduct[] {
  return registry.domains.flatMap((domain) =>
    domain.products.map((product) => ({ domain, product, qualifiedName: `${domain.name}.${product.name}`, tables: productTables(domain, product) })),
  );
}

/**
 * A product by '<domain>.<product>', or by its bare name when exactly one domain declares it. An
 * unknown name fails with the closest product names.
 */
export function resolveProduct(registry: DomainRegistry, name: string): ResolvedProduct {
  const products = allProducts(registry);
  const matches = products.filter((p) => p.qualifiedName === name || (!name.includes('.') && p.product.name === name));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new InvalidInputError(`ambiguous product name "${name}": declared as ${matches.map((p) => p.qualifiedName).join(', ')} — expected '<domain>.<product>'`);
  }
  throw new UnknownNameError(name, registry.closest(name, products.map((p) => p.qualifiedName)), 'product');
}

/** The access policy with the contracts it is read against (core/access/policy.ts); fails when the registry was loaded without one. */
export function accessContextOf(registry: DomainRegistry): AccessContext {
  const policy = registry.accessPolicy;
  if (!policy) throw new InvalidInputError('no access policy: the domain registry was loaded without one (loadDomains(…, { accessPolicy }))');
  return {
    policy,
    products: allProducts(registry).map((p) => ({ qualifiedName: p.qualifiedName, tables: p.tables })),
    table: (qualified) => registry.domains.find((d) => d.name === qualified.split('.')[0])?.tables.find((t) => t.name === qualified.split('.')[1]),
  };
}
