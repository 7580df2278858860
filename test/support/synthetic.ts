import type pg from 'pg';
import type { DomainDeclaration } from '../../contracts/contract.js';

/**
 * A synthetic source of many small tables (one schema per domain), to prove that backfilling
 * hundreds of tables keeps every workflow history bounded. Each table mixes the awkward types.
 */
export interface SyntheticSource {
  declarations: DomainDeclaration[];
  expectedRows: Map<string, number>;
}

export function syntheticDeclarations(domains: number, tablesPerDomain: number): SyntheticSource {
  const declarations: DomainDeclaration[] = [];
  const expectedRows = new Map<string, number>();
  for (let d = 0; d < domains; d++) {
    const name = `syn${d}`;
    const tables = Array.from({ length: tablesPerDomain }, (_, t) => {
      const rows = 5 + ((d * 31 + t * 17) % 40);
      expectedRows.set(`${name}.t${t}`, rows);
      return {
        name: `t${t}`,
        description: `synthetic table ${t} of ${name}`,
        source: { system: 'db2', schema: `SYN${d}`, table: `T${t}` },
        primaryKey: ['ID', 'LINE_NO'],
        columns: [
          { name: 'ID', type: 'BIGINT' },
          { name: 'LINE_NO', type: 'SMALLINT' },
          { name: 'CODE', type: 'CHAR(4)' },
          { name: 'AMOUNT', type: 'DECIMAL(31,8)', nullable: true },
          { name: 'LABEL', type: 'VARCHAR(40)', nullable: true },
          { name: 'CREATED_TS', type: 'TIMESTAMP(6)' },
          { name: 'STAY_DATE', type: 'DATE', nullable: true },
        ],
      };
    });
    declarations.push({ name, description: `synthetic domain ${d}`, dpo: { id: `dpo.${name}`, name: `Owner ${d}` }, tables });
  }
  return { declarations, expectedRows };
}

export async function createSyntheticTables(client: pg.ClientBase, source: SyntheticSource): Promise<void> {
  const statements: string[] = [];
  for (const domain of source.declarations) {
    const schema = domain.tables[0]!.source.schema;
    statements.push(`CREATE SCHEMA "${schema}"`);
    for (const table of domain.tables) {
      const rows = source.expectedRows.get(`${domain.name}.${table.name}`)!;
      const t = `"${schema}"."${table.source.table}"`;
      statements.push(
        `CREATE TABLE ${t} ("ID" int8 NOT NULL, "LINE_NO" int2 NOT NULL, "CODE" character(4) NOT NULL, "AMOUNT" numeric(31,8), "LABEL" varchar(40), "CREATED_TS" timestamp(6) NOT NULL, "STAY_DATE" date, PRIMARY KEY ("ID", "LINE_NO"))`,
        `INSERT INTO ${t} SELECT g / 3, g % 3, substr('ALP1SEA2', 1 + (g % 2) * 4, (g % 4) + 1),` +
          ` CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 1234567.12345678)::numeric(31,8) END,` +
          ` CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'Zoë Ñandú 北京 ' || g END,` +
          ` timestamp '2024-01-01 00:00:00' + g * interval '1 second 1 microsecond',` +
          ` CASE WHEN g % 6 = 0 THEN NULL ELSE date '2024-06-01' + g END FROM generate_series(1, ${rows}) AS g`,
      );
    }
  }
  await client.query(statements.join(';\n'));
  await client.query('ANALYZE');
}
