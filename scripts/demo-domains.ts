// Prints the domains the demo runs on the given warehouse, one per line (scripts/demo.sh reads them).
// Usage: tsx scripts/demo-domains.ts <duckdb|bigquery>
import { quarantineRules } from '../core/quality/quarantine-rules.js';
import { registry } from '../domains/index.js';
import { warehouseCapabilities } from '../workers/capabilities.js';

const warehouse = process.argv[2];
if (warehouse !== 'duckdb' && warehouse !== 'bigquery') {
  console.error(`usage: demo-domains.ts <duckdb|bigquery>, got '${warehouse ?? ''}'`);
  process.exit(2);
}
// A warehouse without row quarantine refuses a table with quarantine rules by name, so the demo there
// runs the domains that declare none; every warehouse has it today, so every domain runs.
const quarantine = warehouseCapabilities[warehouse].includes('quarantine');
const served = registry.domains.filter((d) => quarantine || d.tables.every((t) => quarantineRules(t).length === 0));
for (const d of served) console.log(d.name);
