import type { DuckDBConnection } from '@duckdb/node-api';
import { createChangeLogSql } from '../../connectors/duckdb/cdc-sql.js';
import type { DuckDbWarehouse } from '../../connectors/duckdb/warehouse.js';
import type { TableContract } from '../../contracts/contract.js';
import { qualified } from '../../core/sql/duckdb.js';

/**
 * A warehouse state retention acts on, with known ages: change-log rows in age buckets, and a
 * product with versions 1–4 where v1 was superseded long ago, v2 recently, v3 serves and v4 is a
 * candidate awaiting approval (its snapshot old on purpose: it must survive all the same).
 */

export const dayMs = 86_400_000;
/** DuckDB's naive UTC TIMESTAMP text for a time `days` before `now`. */
export const daysAgo = (now: number, days: number): string => new Date(now - days * dayMs).toISOString().replace('T', ' ').replace('Z', '');

export interface AgeBucket { days: number; rows: number }

/** Creates `raw_<domain>.<table>__changes` and adds `rows` changes ingested `days` ago per bucket; keys count up from 1. */
export async function seedChangeLog(db: DuckDBConnection, domain: string, table: TableContract, buckets: AgeBucket[], now: number): Promise<void> {
  const key = table.columns[0]!.name;
  await db.run(`CREATE SCHEMA IF NOT EXISTS raw_${domain}`);
  const target = qualified(`raw_${domain}`, `${table.name}__changes`);
  await db.run(createChangeLogSql(target, table));
  let next = 1;
  for (const b of buckets) {
    await db.run(`INSERT INTO ${target} BY NAME SELECT i AS "${key}", 'u' AS "_op", lpad(CAST(i AS VARCHAR), 10, '0') AS "_position",
      CAST(? AS TIMESTAMP) AS "_ingested_at" FROM range(?, ?) t(i)`, [daysAgo(now, b.days), next, next + b.rows]);
    next += b.rows;
  }
}

/** Rows of a change log ingested before and at-or-after `days` ago. */
export async function countByAge(db: DuckDBConnection, changeLog: string, days: number, now: number): Promise<{ older: number; newer: number }> {
  const [[older, newer]] = (await db.runAndReadAll(
    `SELECT count(*) FILTER (WHERE "_ingested_at" < CAST(? AS TIMESTAMP)), count(*) FILTER (WHERE "_ingested_at" >= CAST(? AS TIMESTAMP)) FROM ${changeLog}`,
    [daysAgo(now, days), daysAgo(now, days)])).getRowsJS() as [[bigint, bigint]];
  return { older: Number(older), newer: Number(newer) };
}

/**
 * Versions 1–3 published one after the other from `raw_<domain>.<table>` (which must exist), v4
 * snapshotted only; promotions then dated: v2 replaced v1 `supersededDays[0]` days ago, v3 replaced
 * v2 `supersededDays[1]` days ago.
 */
export async function seedPublishedVersions(
  warehouse: DuckDbWarehouse, db: DuckDBConnection, ref: { domain: string; product: string; table: string }, supersededDays: [number, number], now: number,
): Promise<void> {
  const version = (v: number) => ({ domain: ref.domain, product: ref.product, version: v, tables: [{ domain: ref.domain, table: ref.table }] });
  for (const v of [1, 2, 3]) {
    await warehouse.snapshotProduct(version(v));
    await warehouse.promoteProduct(version(v));
  }
  await warehouse.snapshotProduct(version(4));
  const where = 'WHERE domain = ? AND product = ? AND version = ?';
  await db.run(`UPDATE _factory.product_promotions SET promoted_at = CAST(? AS TIMESTAMP) ${where}`, [daysAgo(now, supersededDays[0]), ref.domain, ref.product, 2]);
  await db.run(`UPDATE _factory.product_promotions SET promoted_at = CAST(? AS TIMESTAMP) ${where}`, [daysAgo(now, supersededDays[1]), ref.domain, ref.product, 3]);
  await db.run(`UPDATE _factory.published_views SET promoted_at = CAST(? AS TIMESTAMP) WHERE domain = ? AND product = ?`, [daysAgo(now, supersededDays[1]), ref.domain, ref.product]);
  await db.run(`UPDATE _factory.product_snapshots SET taken_at = CAST(? AS TIMESTAMP) WHERE domain = ? AND product = ?`, [daysAgo(now, 1000), ref.domain, ref.product]);
}

/** The snapshot tables of a product that exist, by name. */
export async function snapshotTables(db: DuckDBConnection, domain: string, product: string): Promise<string[]> {
  const found = await db.runAndReadAll(
    `SELECT table_name FROM duckdb_tables() WHERE schema_name = ? AND starts_with(table_name, ?) ORDER BY table_name`, [`published_${domain}`, `${product}__`]);
  return found.getRowsJS().map((r) => String(r[0]));
}
