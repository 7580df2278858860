import type { Command } from 'commander';
import type { DomainContract } from '../../contracts/contract.js';
import { changeLogRetention, snapshotRetention, type EffectiveRetention } from '../../contracts/retention.js';
import { registry } from '../../domains/index.js';

function summary(domain: DomainContract) {
  return {
    name: domain.name,
    description: domain.description,
    dpo: domain.dpo.id,
    deputies: domain.deputies.map((d) => d.id),
    tables: domain.tables.map((t) => t.name),
    products: domain.products.map((p) => p.name),
  };
}

export function registerDomainCommands(program: Command): void {
  const domains = program.command('domains').description('the data domains declared in domains/ (contracts)');
  domains
    .command('list')
    .description('list the domains with their DPO and table count')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        console.log(JSON.stringify(registry.domains.map(summary), null, 2));
        return;
      }
      const rows = registry.domains.map((d) => [d.name, String(d.tables.length), String(d.products.length), d.dpo.id]);
      printTable(['domain', 'tables', 'products', 'dpo'], rows);
      console.log(`\n${registry.domains.length} domains, ${registry.allTables().length} source tables`);
    });
  domains
    .command('show <name>')
    .description('show a domain: DPO, deputies, tables with source, key, PII columns and change-log retention, data products with snapshot retention')
    .option('--json', 'print the full contract as JSON')
    .action((name: string, opts: { json?: boolean }) => {
      const domain = registry.domain(name);
      if (opts.json) {
        console.log(JSON.stringify(domain, null, 2));
        return;
      }
      console.log(`${domain.name} — ${domain.description}`);
      console.log(`DPO: ${domain.dpo.name} (${domain.dpo.id}); deputies: ${domain.deputies.map((d) => d.id).join(', ') || 'none'}`);
      console.log(`approval: reminder ${domain.approval.reminderHours} h, escalation ${domain.approval.escalationHours} h, expiry ${domain.approval.expiryDays} d\n`);
      const rows = domain.tables.map((t) => [
        t.name,
        `${t.source.system}:${t.source.schema}.${t.source.table}`,
        (t.primaryKey ?? t.uniqueKey ?? []).join(',') + (t.primaryKey ? '' : ' (unique)'),
        String(t.columns.length),
        t.columns.filter((c) => c.pii !== 'none').map((c) => `${c.name}:${c.pii}`).join(' ') || '-',
        days(changeLogRetention(t)),
      ]);
      printTable(['table', 'source', 'key', 'cols', 'pii', 'change log kept'], rows);
      if (domain.products.length) {
        console.log('\ndata products:');
        for (const p of domain.products) {
          console.log(`  ${p.name}: ${p.tables.join(', ')} — ${p.description}`);
          console.log(`    superseded snapshots kept ${days(snapshotRetention(p))}`);
        }
      }
    });
}

/** '730 d', or '90 d (default)' when the contract declares no age. */
const days = (r: EffectiveRetention): string => `${r.days} d${r.declared ? '' : ' (default)'}`;

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
}
