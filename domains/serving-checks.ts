import { tableKey, type DomainContract } from '../contracts/contract.js';
import type { ContractIssue } from './errors.js';

/**
 * Products served in real time (`serving: 'realtime'`) are kept in the serving store row by row,
 * each change applied to its key: every table such a product names needs a primary or unique key.
 * Tables of other domains are checked against their own domain's declaration.
 */
export function checkServedProducts(contracts: readonly DomainContract[]): ContractIssue[] {
  const issues: ContractIssue[] = [];
  for (const contract of contracts) {
    for (const product of contract.products) {
      if (product.serving !== 'realtime') continue;
      product.tables.forEach((entry, j) => {
        const [domain, name] = entry.includes('.') ? entry.split('.') as [string, string] : [contract.name, entry];
        const table = contracts.find((c) => c.name === domain)?.tables.find((t) => t.name === name);
        // An unresolved entry is reported by the product check.
        if (table && tableKey(table).length === 0) {
          issues.push({
            domain: contract.name, product: product.name, field: `tables[${j}]`,
            message: `"${entry}" declares neither primaryKey nor uniqueKey — expected a key on every table of a product served in real time (the serving store applies each change to its key)`,
          });
        }
      });
    }
  }
  return issues;
}

/** The tables ('<domain>.<table>') of every product served in real time, each once, in declaration order. */
export function servedTables(contracts: readonly DomainContract[]): string[] {
  const tables = contracts.flatMap((contract) => contract.products
    .filter((p) => p.serving === 'realtime')
    .flatMap((p) => p.tables.map((entry) => (entry.includes('.') ? entry : `${contract.name}.${entry}`))));
  return [...new Set(tables)];
}
