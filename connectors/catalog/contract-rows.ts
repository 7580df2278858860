import type { DomainContract, TableContract } from '../../contracts/contract.js';
import { qualifiedColumns } from '../../core/qualified/columns.js';
import { domainLineage, qualifiedProductTables, sourceNode, type StaticLineageEdge } from './lineage.js';
import type { SearchKind } from './port.js';

/**
 * The catalog rows the contracts declare, as plain objects the sync hands to PostgreSQL in one JSON
 * parameter per table. Pure, so what gets synced can be tested without a database.
 */

export interface SearchPart {
  /** Why a hit matched when this part contains the query: 'name', 'description', 'column BOOKING_REF description'… */
  label: string;
  text: string;
  /** A name, B description, C contents (columns, tables), D tags. */
  weight: 'A' | 'B' | 'C' | 'D';
}

export interface SearchDocumentRow {
  kind: SearchKind;
  name: string;
  domain: string;
  description: string | null;
  parts: SearchPart[];
}

export interface CatalogRows {
  domains: Array<{ name: string; description: string; approval: DomainContract['approval'] }>;
  people: Array<{ domain: string; person_id: string; name: string; email: string | null; role: 'dpo' | 'deputy'; ordinal: number }>;
  datasets: Array<{ domain: string; name: string; description: string; source: string; key_columns: string[] }>;
  columns: Array<{ domain: string; dataset: string; name: string; ordinal: number; type: string; nullable: boolean; pii: string; description: string | null; references_column: string | null }>;
  products: Array<{ domain: string; name: string; description: string; consumers: string[] }>;
  productTables: Array<{ domain: string; product: string; table_domain: string; table_name: string; ordinal: number }>;
  lineage: StaticLineageEdge[];
  search: SearchDocumentRow[];
}

export function catalogRows(domains: readonly DomainContract[]): CatalogRows {
  const rows: CatalogRows = { domains: [], people: [], datasets: [], columns: [], products: [], productTables: [], lineage: [], search: [] };
  const tables = new Map<string, TableContract>(domains.flatMap((d) => d.tables.map((t) => [`${d.name}.${t.name}`, t] as const)));
  for (const d of domains) {
    rows.domains.push({ name: d.name, description: d.description, approval: d.approval });
    rows.people.push({ domain: d.name, person_id: d.dpo.id, name: d.dpo.name, email: d.dpo.email ?? null, role: 'dpo', ordinal: 0 });
    d.deputies.forEach((p, i) => rows.people.push({ domain: d.name, person_id: p.id, name: p.name, email: p.email ?? null, role: 'deputy', ordinal: i + 1 }));
    rows.search.push({
      kind: 'domain', name: d.name, domain: d.name, description: d.description,
      parts: [{ label: 'name', text: d.name, weight: 'A' }, { label: 'description', text: d.description, weight: 'B' }],
    });
    for (const t of d.tables) {
      const qualified = `${d.name}.${t.name}`;
      rows.datasets.push({ domain: d.name, name: t.name, description: t.description, source: sourceNode(t), key_columns: t.primaryKey ?? t.uniqueKey ?? [] });
      // The columns readers get: the contract's, then those its business rules derive (with the PII of their inputs).
      const columns = qualifiedColumns(t, (ref) => tables.get(ref));
      columns.forEach((c, i) => {
        rows.columns.push({
          domain: d.name, dataset: t.name, name: c.name, ordinal: i, type: c.type, nullable: c.nullable, pii: c.pii,
          description: c.description ?? null, references_column: c.references ?? null,
        });
        rows.search.push({
          kind: 'column', name: `${qualified}.${c.name}`, domain: d.name, description: c.description ?? null,
          parts: [
            { label: 'name', text: c.name, weight: 'B' },
            ...(c.description ? [{ label: 'description', text: c.description, weight: 'C' as const }] : []),
            { label: 'table', text: qualified, weight: 'D' },
            ...(c.pii !== 'none' ? [{ label: `pii ${c.pii}`, text: `pii ${c.pii}`, weight: 'D' as const }] : []),
          ],
        });
      });
      const piiClasses = [...new Set(columns.map((c) => c.pii).filter((p) => p !== 'none'))];
      rows.search.push({
        kind: 'table', name: qualified, domain: d.name, description: t.description,
        parts: [
          { label: 'name', text: t.name, weight: 'A' },
          { label: 'description', text: t.description, weight: 'B' },
          ...columns.flatMap((c) => [
            { label: `column ${c.name}`, text: c.name, weight: 'C' as const },
            ...(c.description ? [{ label: `column ${c.name} description`, text: c.description, weight: 'C' as const }] : []),
          ]),
          { label: 'domain', text: d.name, weight: 'D' },
          { label: 'source', text: `${t.source.system} ${t.source.schema} ${t.source.table}`, weight: 'D' },
          ...piiClasses.map((p) => ({ label: `pii ${p}`, text: `pii ${p}`, weight: 'D' as const })),
        ],
      });
    }
    for (const p of d.products) {
      const tables = qualifiedProductTables(d.name, p.tables);
      rows.products.push({ domain: d.name, name: p.name, description: p.description, consumers: p.consumers });
      tables.forEach((qt, i) => {
        const [tableDomain, tableName] = qt.split('.') as [string, string];
        rows.productTables.push({ domain: d.name, product: p.name, table_domain: tableDomain, table_name: tableName, ordinal: i });
      });
      rows.search.push({
        kind: 'product', name: `${d.name}.${p.name}`, domain: d.name, description: p.description,
        parts: [
          { label: 'name', text: p.name, weight: 'A' },
          { label: 'description', text: p.description, weight: 'B' },
          ...tables.map((qt) => ({ label: `table ${qt}`, text: qt, weight: 'C' as const })),
          { label: 'domain', text: d.name, weight: 'D' },
          ...p.consumers.map((c) => ({ label: `consumer ${c}`, text: c, weight: 'D' as const })),
        ],
      });
    }
    rows.lineage.push(...domainLineage(d));
  }
  return rows;
}
