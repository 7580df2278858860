// Prints the domains the demo runs on the given warehouse, one per line (scripts/demo.sh reads them).
// Usage: tsx scripts/demo-domains.ts <duckdb|bigquery>
import { quarantineRules } from '../core/quality/quarantine-rules.js';
import { registry } from '../domains/index.js';

const warehouse = process.argv[2];
if (warehouse !== 'duckdb' && warehouse !== 'bigquery') {
  console.error(`usage: demo-domains.ts <duckdb|bigquery>, got '${warehouse ?? ''}'`);
  process.exit(2);
}
// Row quarantine is built on DuckDB only so far (issue 6): the BigQuery adapter refuses a table with
// quarantine rules by name, so the demo on BigQuery runs the domains that declare none.
const served = registry.domains.filter((d) => warehouse === 'duckdb' || d.tables.every((t) => quarantineRules(t).length === 0));
for (const d of served) console.log(d.name);
