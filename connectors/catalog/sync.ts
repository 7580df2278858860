import type pg from 'pg';
import type { DomainContract } from '../../contracts/contract.js';
import { catalogRows } from './contract-rows.js';
import type { SyncContractsResult } from './port.js';

/**
 * Contract sync: for each synced domain, the catalog's rows become exactly what the contract declares.
 * Each table is mirrored with one upsert that only touches rows whose values differ and one delete of
 * the rows the contract no longer declares, so a second sync writes nothing and reports 0 changes.
 * Product versions, quality reports and the audit log are never touched by a sync.
 */

interface MirrorSpec {
  table: string;
  key: string[];
  /** Column → PostgreSQL type, as jsonb_to_recordset reads the rows. */
  columns: Record<string, string>;
}

const specs = {
  domains: { table: 'domains', key: ['name'], columns: { name: 'text', description: 'text', approval: 'jsonb' } },
  people: { table: 'people', key: ['domain', 'person_id'], columns: { domain: 'text', person_id: 'text', name: 'text', email: 'text', role: 'text', ordinal: 'integer' } },
  datasets: { table: 'datasets', key: ['domain', 'name'], columns: { domain: 'text', name: 'text', description: 'text', source: 'text', key_columns: 'text[]' } },
  columns: {
    table: 'dataset_columns', key: ['domain', 'dataset', 'name'],
    columns: { domain: 'text', dataset: 'text', name: 'text', ordinal: 'integer', type: 'text', nullable: 'boolean', pii: 'text', description: 'text', references_column: 'text' },
  },
  products: { table: 'data_products', key: ['domain', 'name'], columns: { domain: 'text', name: 'text', description: 'text', consumers: 'text[]' } },
  productTables: { table: 'product_tables', key: ['domain', 'product', 'table_domain', 'table_name'], columns: { domain: 'text', product: 'text', table_domain: 'text', table_name: 'text', ordinal: 'integer' } },
  lineage: {
    table: 'lineage_edges', key: ['from_node', 'to_node'],
    columns: { from_node: 'text', to_node: 'text', domain: 'text', owner_table: 'text', owner_product: 'text', kind: 'text', columns: 'jsonb' },
  },
  search: { table: 'search_documents', key: ['kind', 'name'], columns: { kind: 'text', name: 'text', domain: 'text', description: 'text', parts: 'jsonb' } },
} satisfies Record<string, MirrorSpec>;

/** Parents first for upserts; deletes run in the reverse order. */
const order = ['domains', 'people', 'datasets', 'columns', 'products', 'productTables', 'lineage', 'search'] as const;

function recordset(spec: MirrorSpec): string {
  const cols = Object.entries(spec.columns).map(([c, t]) => `"${c}" ${t}`).join(', ');
  return `jsonb_to_recordset($1::jsonb) AS r(${cols})`;
}

function upsertSql(spec: MirrorSpec): string {
  const cols = Object.keys(spec.columns);
  const values = cols.filter((c) => !spec.key.includes(c));
  const list = cols.map((c) => `"${c}"`).join(', ');
  const tuple = (alias: string) => `(${values.map((c) => `${alias}."${c}"`).join(', ')})`;
  return `INSERT INTO catalog.${spec.table} AS t (${list}) SELECT ${list} FROM ${recordset(spec)}
    ON CONFLICT (${spec.key.map((c) => `"${c}"`).join(', ')}) DO UPDATE SET ${values.map((c) => `"${c}" = excluded."${c}"`).join(', ')}
    WHERE ${tuple('t')} IS DISTINCT FROM ${tuple('excluded')}`;
}

function deleteStaleSql(spec: MirrorSpec): string {
  const match = spec.key.map((c) => `r."${c}" = t."${c}"`).join(' AND ');
  return `DELETE FROM catalog.${spec.table} AS t WHERE t.${spec.table === 'domains' ? 'name' : 'domain'} = ANY($2::text[])
    AND NOT EXISTS (SELECT 1 FROM ${recordset(spec)} WHERE ${match})`;
}

function toJsonRows(kind: (typeof order)[number], rows: ReturnType<typeof catalogRows>): unknown[] {
  if (kind !== 'lineage') return rows[kind];
  return rows.lineage.map((e) => ({
    from_node: e.from, to_node: e.to, domain: e.domain, owner_table: e.ownerTable, owner_product: e.ownerProduct, kind: e.kind, columns: e.columns,
  }));
}

export interface SyncOptions {
  /** Remove domains the catalog holds that are not in `domains` (with everything they declare). */
  prune?: boolean;
}

/** Runs inside the caller's transaction. */
export async function syncContracts(client: pg.ClientBase, domains: readonly DomainContract[], options: SyncOptions = {}): Promise<SyncContractsResult> {
  const rows = catalogRows(domains);
  const names = domains.map((d) => d.name);
  let changed = 0;
  if (options.prune) {
    changed += (await client.query('DELETE FROM catalog.domains WHERE name <> ALL($1::text[])', [names])).rowCount ?? 0;
  }
  for (const kind of [...order].reverse()) {
    changed += (await client.query(deleteStaleSql(specs[kind]), [JSON.stringify(toJsonRows(kind, rows)), names])).rowCount ?? 0;
  }
  for (const kind of order) {
    changed += (await client.query(upsertSql(specs[kind]), [JSON.stringify(toJsonRows(kind, rows))])).rowCount ?? 0;
  }
  const { rows: counts } = await client.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM catalog.domains WHERE name = ANY($1)) AS domains,
            (SELECT count(*) FROM catalog.people WHERE domain = ANY($1)) AS people,
            (SELECT count(*) FROM catalog.data_products WHERE domain = ANY($1)) AS products,
            (SELECT count(*) FROM catalog.datasets WHERE domain = ANY($1)) AS datasets,
            (SELECT count(*) FROM catalog.dataset_columns WHERE domain = ANY($1)) AS columns,
            (SELECT count(*) FROM catalog.lineage_edges WHERE domain = ANY($1)) AS lineage_edges`,
    [names],
  );
  const c = counts[0]!;
  return {
    domains: Number(c.domains), people: Number(c.people), products: Number(c.products), datasets: Number(c.datasets),
    columns: Number(c.columns), lineageEdges: Number(c.lineage_edges), changed,
  };
}
