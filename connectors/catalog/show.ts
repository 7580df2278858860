import type pg from 'pg';
import type { PiiClass } from '../../contracts/contract.js';
import type { CatalogPerson, LineageEdge, ProductRef, QualityReportSummary, ShowProductDataset, ShowProductResult } from './port.js';
import { iso, loadVersion, type VersionRow } from './versions.js';

/**
 * Everything a consumer wants to know about a data product in one read: schema as declared, owner,
 * PII, last quality run, freshness, lineage and the published version.
 */
export async function showProduct(client: pg.ClientBase, ref: ProductRef): Promise<ShowProductResult | null> {
  const product = await client.query<{ description: string; consumers: string[] }>(
    'SELECT description, consumers FROM catalog.data_products WHERE domain = $1 AND name = $2',
    [ref.domain, ref.product],
  );
  const row = product.rows[0];
  if (!row) return null;

  const people = await client.query<{ person_id: string; name: string; email: string | null; role: 'dpo' | 'deputy' }>(
    'SELECT person_id, name, email, role FROM catalog.people WHERE domain = $1 ORDER BY ordinal',
    [ref.domain],
  );
  const person = (p: (typeof people.rows)[number]): CatalogPerson => ({ id: p.person_id, name: p.name, email: p.email });

  const columns = await client.query<{
    table_domain: string; table_name: string; description: string | null; source: string | null;
    column_name: string | null; type: string; nullable: boolean; pii: PiiClass; column_description: string | null;
  }>(
    `SELECT pt.table_domain, pt.table_name, d.description, d.source, c.name AS column_name, c.type, c.nullable, c.pii, c.description AS column_description
     FROM catalog.product_tables pt
     LEFT JOIN catalog.datasets d ON d.domain = pt.table_domain AND d.name = pt.table_name
     LEFT JOIN catalog.dataset_columns c ON c.domain = pt.table_domain AND c.dataset = pt.table_name
     WHERE pt.domain = $1 AND pt.product = $2
     ORDER BY pt.ordinal, c.ordinal`,
    [ref.domain, ref.product],
  );
  const datasets = new Map<string, ShowProductDataset>();
  const pii: Record<string, PiiClass> = {};
  for (const c of columns.rows) {
    const table = `${c.table_domain}.${c.table_name}`;
    if (!datasets.has(table)) datasets.set(table, { table, description: c.description, source: c.source, columns: [] });
    if (c.column_name === null) continue;
    datasets.get(table)!.columns.push({ name: c.column_name, type: c.type, nullable: c.nullable, pii: c.pii, description: c.column_description });
    if (c.pii !== 'none') pii[`${table}.${c.column_name}`] = c.pii;
  }

  const quality = await client.query<{
    report_id: string; status: QualityReportSummary['status']; rules: number; warned: number; blocked: number; duration_ms: number; checked_at: Date;
  }>(
    'SELECT * FROM catalog.quality_reports WHERE domain = $1 AND product = $2 ORDER BY checked_at DESC, report_id DESC LIMIT 5',
    [ref.domain, ref.product],
  );
  const runs = quality.rows.map((r) => ({
    reportId: r.report_id, domain: ref.domain, product: ref.product, status: r.status, rules: r.rules, warned: r.warned, blocked: r.blocked,
    durationMs: r.duration_ms, checkedAt: r.checked_at.toISOString(),
  }));
  const q = runs[0];

  const lineage = await client.query<{ from_node: string; to_node: string; columns: LineageEdge['columns'] | null }>(
    `SELECT e.from_node, e.to_node, e.columns FROM catalog.lineage_edges e
     WHERE (e.domain = $1 AND e.owner_product = $2)
        OR EXISTS (SELECT 1 FROM catalog.product_tables pt
                   WHERE pt.domain = $1 AND pt.product = $2 AND pt.table_domain = e.domain AND pt.table_name = e.owner_table)
     ORDER BY e.owner_product NULLS FIRST, e.domain, e.owner_table, array_position(ARRAY['copy', 'rules', 'lookup', 'currency', 'product'], e.kind), e.from_node`,
    [ref.domain, ref.product],
  );

  const published = await loadVersion(client, `domain = $1 AND product = $2 AND status = 'published'`, [ref.domain, ref.product]);
  const open = await client.query<Pick<VersionRow, 'version' | 'status' | 'breaking' | 'quality_status' | 'created_at'>>(
    `SELECT version, status, breaking, quality_status, created_at FROM catalog.product_versions
     WHERE domain = $1 AND product = $2 AND status IN ('pending', 'approved') ORDER BY version`,
    [ref.domain, ref.product],
  );
  const lastPublished = await client.query<{ at: Date | null }>(
    'SELECT max(published_at) AS at FROM catalog.product_versions WHERE domain = $1 AND product = $2',
    [ref.domain, ref.product],
  );

  return {
    domain: ref.domain,
    product: ref.product,
    description: row.description,
    consumers: row.consumers,
    owner: { dpo: people.rows.filter((p) => p.role === 'dpo').map(person)[0] ?? null, deputies: people.rows.filter((p) => p.role === 'deputy').map(person) },
    datasets: [...datasets.values()],
    pii,
    quality: q ?? null,
    qualityRuns: runs,
    freshness: { lastPublishedAt: iso(lastPublished.rows[0]?.at ?? null), lastQualityAt: q?.checkedAt ?? null },
    lineage: [
      ...lineage.rows.map((e) => ({ from: e.from_node, to: e.to_node, ...(e.columns ? { columns: e.columns } : {}) })),
      ...(published?.lineage ?? []),
    ],
    published,
    open: open.rows.map((v) => ({ version: v.version, status: v.status, breaking: v.breaking, qualityStatus: v.quality_status, createdAt: v.created_at.toISOString() })),
  };
}
