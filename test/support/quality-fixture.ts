import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeApply, WarehouseLoad } from '../../connectors/warehouse/port.js';
import type { DomainDeclaration, TableContract } from '../../contracts/contract.js';
import { loadDomains } from '../../domains/load.js';
import type { DomainRegistry } from '../../domains/registry.js';

/**
 * Tiny tables with known failures for the quality contract suite, and the port-only way to land
 * them: a backfill (prepare, one chunk, validate, swap in) and deletes as change capture applies
 * them (tombstones).
 */

/** One rule of each kind (and each format) on `qc.item`, whose live rows fail them in known places. */
export function qualityFixture(): DomainRegistry {
  const qc: DomainDeclaration = {
    name: 'qc',
    description: 'Quality contract suite.',
    dpo: { id: 'dpo.qc', name: 'Test Owner' },
    tables: [
      {
        name: 'parent', description: 'Parents.', source: { system: 'db2', schema: 'QC', table: 'PARENT' }, primaryKey: ['PARENT_ID'],
        columns: [{ name: 'PARENT_ID', type: 'BIGINT' }],
      },
      {
        name: 'item', description: 'Items.', source: { system: 'db2', schema: 'QC', table: 'ITEM' }, primaryKey: ['ITEM_ID'],
        columns: [
          { name: 'ITEM_ID', type: 'BIGINT' }, { name: 'CODE', type: 'CHAR(3)', nullable: true }, { name: 'QTY', type: 'INTEGER', nullable: true },
          { name: 'PRICE', type: 'DECIMAL(9,2)', nullable: true }, { name: 'EMAIL', type: 'VARCHAR(80)', nullable: true, pii: 'contact' },
          { name: 'COUNTRY', type: 'CHAR(2)', nullable: true }, { name: 'PHONE', type: 'VARCHAR(20)', nullable: true, pii: 'contact' },
          { name: 'CURRENCY', type: 'CHAR(3)', nullable: true }, { name: 'PARENT_ID', type: 'BIGINT', nullable: true },
          { name: 'UPDATED_TS', type: 'TIMESTAMP(6)', nullable: true },
        ],
        qualityRules: [
          { id: 'email_present', kind: 'not_null', columns: ['EMAIL'], severity: 'block' },
          { id: 'code_known', kind: 'accepted_values', column: 'CODE', values: ['A', 'B'], severity: 'block' },
          { id: 'qty_range', kind: 'range', column: 'QTY', min: 0, max: 100, severity: 'block' },
          { id: 'price_min', kind: 'range', column: 'PRICE', min: 0.5, severity: 'warn' },
          { id: 'code_pattern', kind: 'format', column: 'CODE', format: 'regex', pattern: '[A-Z]', severity: 'warn' },
          { id: 'email_format', kind: 'format', column: 'EMAIL', format: 'email', severity: 'warn' },
          { id: 'phone_format', kind: 'format', column: 'PHONE', format: 'phone_e164', severity: 'warn' },
          { id: 'country_iso', kind: 'format', column: 'COUNTRY', format: 'iso_country', severity: 'warn' },
          { id: 'currency_iso', kind: 'format', column: 'CURRENCY', format: 'iso_currency', severity: 'warn' },
          { id: 'code_unique', kind: 'unique', columns: ['CODE'], severity: 'warn', threshold: 0.5 },
          { id: 'parent_exists', kind: 'references', columns: ['PARENT_ID'], to: 'qc.parent.PARENT_ID', severity: 'block' },
          { id: 'qty_within_price', kind: 'sql', sql: 'SELECT ITEM_ID FROM {table} WHERE QTY > PRICE', severity: 'warn' },
          { id: 'item_fresh', kind: 'freshness', column: 'UPDATED_TS', maxAgeMinutes: 30, severity: 'block' },
          { id: 'item_landed', kind: 'freshness', maxAgeMinutes: 60, severity: 'warn' },
          { id: 'item_volume', kind: 'volume', maxChangePercent: 10, severity: 'warn' },
          { id: 'email_null_rate', kind: 'distribution', column: 'EMAIL', metric: 'null_rate', maxChangePercent: 5, severity: 'warn' },
          { id: 'code_variety', kind: 'distribution', column: 'CODE', metric: 'distinct_count', maxChangePercent: 10, severity: 'warn' },
          { id: 'item_matches_source', kind: 'reconciliation', severity: 'block' },
        ],
      },
    ],
  };
  return loadDomains([qc]);
}

/**
 * `qc.item` as staged, by ITEM_ID. Row 6 breaks nearly every rule but is deleted by change capture
 * before the checks: a check that counted tombstones would see it. The comments say what fails.
 */
export const itemRows: Record<string, string | null>[] = [
  { ITEM_ID: '1', CODE: 'A  ', QTY: '5', PRICE: '10.00', EMAIL: 'a@example.com', COUNTRY: 'CH', PHONE: '+41441234567', CURRENCY: 'CHF', PARENT_ID: '1', UPDATED_TS: '2024-05-01 11:00:00' },
  // QTY, PRICE and EMAIL (null) fail; PHONE has no plus.
  { ITEM_ID: '2', CODE: 'B  ', QTY: '-1', PRICE: '0.25', EMAIL: null, COUNTRY: 'DE', PHONE: '0441234567', CURRENCY: 'EUR', PARENT_ID: '2', UPDATED_TS: '2024-05-01 10:00:00' },
  // CODE, QTY, EMAIL format, COUNTRY, CURRENCY, PARENT_ID and QTY > PRICE fail.
  { ITEM_ID: '3', CODE: 'Z  ', QTY: '200', PRICE: '5.00', EMAIL: 'not-an-email', COUNTRY: 'XX', PHONE: null, CURRENCY: 'ZZZ', PARENT_ID: '9', UPDATED_TS: '2024-04-30 12:00:00' },
  // CODE 'A' again (unique); QTY > PRICE.
  { ITEM_ID: '4', CODE: 'A  ', QTY: '7', PRICE: '3.00', EMAIL: 'd@example.com', COUNTRY: 'FR', PHONE: '+33123456789', CURRENCY: 'EUR', PARENT_ID: null, UPDATED_TS: null },
  // CODE 'a1' is neither accepted nor matching [A-Z].
  { ITEM_ID: '5', CODE: 'a1 ', QTY: '1', PRICE: '1.00', EMAIL: 'e@example.org', COUNTRY: 'IT', PHONE: null, CURRENCY: null, PARENT_ID: '1', UPDATED_TS: '2024-05-01 09:00:00' },
  { ITEM_ID: '6', CODE: 'Q  ', QTY: '-50', PRICE: '0.01', EMAIL: null, COUNTRY: '??', PHONE: 'x', CURRENCY: '???', PARENT_ID: '77', UPDATED_TS: '2024-05-01 11:59:00' },
];
export const parentRows = [{ PARENT_ID: '1' }, { PARENT_ID: '2' }];

/** The live rows of `qc.item` as checksum values (core/checksum.ts canonical text: contract order, text as staged). */
export const liveItemValues = (table: TableContract): unknown[][] =>
  itemRows.filter((r) => r.ITEM_ID !== '6').map((r) => table.columns.map((c) => r[c.name] ?? null));

/** Lands rows in raw tables through the warehouse port only, with staged files in `dir`. */
export class PortLoader {
  private files = 0;
  private readonly run = Date.now().toString(36);
  constructor(private readonly warehouse: WarehouseLoad & ChangeApply, private readonly dir: string, private readonly registry: DomainRegistry) {}

  /** A staged CSV line in contract column order; absent columns are NULL. */
  private line(table: TableContract, values: Record<string, string | null>): string {
    for (const name of Object.keys(values)) if (!table.columns.some((c) => c.name === name)) throw new Error(`${table.name} has no column ${name}`);
    return table.columns.map((c) => {
      const v = values[c.name] ?? null;
      if (v === null) return '';
      return v === '' || /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    }).join(',');
  }

  private write(name: string, lines: string[]): string {
    const file = join(this.dir, `${name}-${this.files++}.csv`);
    writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
    return file;
  }

  /** A backfill of one table: prepare, one chunk, validate, swap in. */
  async backfill(qualifiedName: string, rows: Record<string, string | null>[], table = this.registry.table(qualifiedName)): Promise<void> {
    const [domain] = qualifiedName.split('.') as [string, string];
    const file = this.write('load', rows.map((r) => this.line(table, r)));
    // Unique per run: a warehouse that outlives the run (BigQuery itself) refuses a load id swapped in before.
    const loadId = `load_${this.run}_${this.files}`;
    const { loadTable } = await this.warehouse.prepareLoad({ domain, table, loadId });
    await this.warehouse.loadChunk({ loadTable, table, file, chunkIndex: 0, lineage: { sourceSystem: 'db2', loadId, sourcePosition: 'pg:0000000000000001:0000000000000001:1' } });
    const { rows: loaded, duplicateKeys } = await this.warehouse.validateLoad({ loadTable, table });
    if (loaded !== rows.length || duplicateKeys !== 0) throw new Error(`${qualifiedName}: loaded ${loaded} rows with ${duplicateKeys} duplicate keys, staged ${rows.length}`);
    await this.warehouse.swapIn({ domain, table, loadTable });
  }

  /** Deletes rows the way change capture does: a 'd' event with the key, newer than the backfill. */
  async deleteByCapture(qualifiedName: string, keys: Record<string, string>[]): Promise<void> {
    const [domain] = qualifiedName.split('.') as [string, string];
    const table = this.registry.table(qualifiedName);
    const file = this.write('changes', keys.map((k, i) => `${this.line(table, k)},d,pg:0000000000000009:0000000000000009:1,1700000000000,0,${i},`));
    const consumer = `quality-suite-${this.run}-${this.files}`;
    await this.warehouse.applyChanges({ domain, table, sourceSystem: 'db2', file, consumer, offsets: [{ topic: `t.${qualifiedName}`, partition: 0, nextOffset: String(keys.length) }] });
  }
}
