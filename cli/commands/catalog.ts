import type { Command } from 'commander';
import { migrateCatalog } from '../../connectors/catalog/migrate.js';
import type { ProductRef, ShowProductResult } from '../../connectors/catalog/port.js';
import { openCatalogStore, type PostgresCatalogStore } from '../../connectors/catalog/postgres.js';
import { InvalidInputError } from '../../core/errors.js';
import { editDistance, registry, UnknownNameError } from '../../domains/index.js';
import { config } from '../context.js';
import { printTable } from './domains.js';

async function withStore<T>(work: (store: PostgresCatalogStore) => Promise<T>): Promise<T> {
  // Opening applies pending migrations (idempotent), so every command works on a fresh database.
  const store = await openCatalogStore({ url: config().FACTORY_CATALOG_URL });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** '<domain>.<product>', or a bare product name that exactly one domain declares. */
export function productRef(name: string): ProductRef {
  const all = registry.domains.flatMap((d) => d.products.map((p) => ({ domain: d.name, product: p.name, qualified: `${d.name}.${p.name}` })));
  const matches = all.filter((p) => p.qualified === name || (!name.includes('.') && p.product === name));
  if (matches.length === 1) return { domain: matches[0]!.domain, product: matches[0]!.product };
  if (matches.length > 1) {
    throw new InvalidInputError(`ambiguous product name "${name}": declared as ${matches.map((p) => p.qualified).join(', ')} — expected '<domain>.<product>'`);
  }
  const closest = [...all].sort((a, b) => editDistance(name, a.qualified) - editDistance(name, b.qualified)).slice(0, 3).map((p) => p.qualified);
  throw new UnknownNameError(name, closest, 'data product');
}

export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description('the data catalog (PostgreSQL, FACTORY_CATALOG_URL): domains, owners, products, versions, lineage, audit');

  catalog
    .command('migrate')
    .description('create the catalog database if missing and apply pending schema migrations')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const result = await migrateCatalog({ url: config().FACTORY_CATALOG_URL });
      if (opts.json) console.log(JSON.stringify(result));
      else console.log(result.applied.length ? `applied ${result.applied.join(', ')}` : 'catalog schema is current: nothing to apply');
    });

  catalog
    .command('sync')
    .description('write the domain contracts (domains/) into the catalog; domains no longer declared are removed, versions and audit stay')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const result = await withStore((store) => store.syncContracts({ domains: registry.domains, prune: true }));
      if (opts.json) {
        console.log(JSON.stringify(result));
        return;
      }
      console.log(
        `catalog holds ${result.domains} domains, ${result.people} people, ${result.products} products, ${result.datasets} tables, ` +
          `${result.columns} columns, ${result.lineageEdges} lineage edges`,
      );
      console.log(result.changed ? `${result.changed} rows written` : 'already in sync: nothing changed');
    });

  catalog
    .command('search')
    .description('full-text search over domain, product, table and column names, descriptions and tags, best match first')
    .argument('<text...>', 'words; "a phrase", or, -word work as in a web search')
    .option('--limit <n>', 'hits to show', '20')
    .option('--json', 'print JSON')
    .action(async (words: string[], opts: { limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new InvalidInputError(`--limit ${opts.limit}: expected a positive whole number`);
      const text = words.join(' ');
      const hits = await withStore((store) => store.search({ text, limit }));
      if (opts.json) {
        console.log(JSON.stringify(hits, null, 2));
        return;
      }
      if (!hits.length) {
        console.log(`nothing in the catalog matches "${text}" (run 'factory catalog sync' if the catalog is empty)`);
        return;
      }
      printTable(['kind', 'name', 'rank', 'matched'], hits.map((h) => [h.kind, h.name, h.rank.toFixed(3), h.matched.join('; ')]));
    });

  catalog
    .command('show')
    .description('a data product: owner, schema with PII classes, quality, freshness, lineage, published and open versions')
    .argument('<product>', "'<domain>.<product>' (or the bare name when unique)")
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const ref = productRef(name);
      const shown = await withStore((store) => store.showProduct(ref));
      if (!shown) throw new InvalidInputError(`${ref.domain}.${ref.product} is not in the catalog: run 'factory catalog sync'`);
      if (opts.json) console.log(JSON.stringify(shown, null, 2));
      else printProduct(shown);
    });
}

function printProduct(p: ShowProductResult): void {
  const person = (x: { id: string; name: string }) => `${x.name} (${x.id})`;
  console.log(`${p.domain}.${p.product} — ${p.description}`);
  console.log(`owner: ${p.owner.dpo ? person(p.owner.dpo) : 'none'}; deputies: ${p.owner.deputies.map(person).join(', ') || 'none'}`);
  console.log(`consumers: ${p.consumers.join(', ') || 'none'}`);
  const v = p.published;
  console.log(
    `published: ${v ? `version ${v.version} at ${v.publishedAt}` + (v.decidedBy ? `, approved by ${v.decidedBy}` : '') + (v.comment ? `: "${v.comment}"` : '') : 'no version yet'}`,
  );
  for (const o of p.open) console.log(`open: version ${o.version} ${o.status}${o.breaking ? ', breaking' : ''}, quality ${o.qualityStatus}, since ${o.createdAt}`);
  if (p.qualityRuns.length === 0) console.log('quality: no gate run recorded');
  for (const [i, q] of p.qualityRuns.entries()) {
    console.log(`${i === 0 ? 'quality:' : '        '} ${q.status} — ${q.rules} rules, ${q.warned} warned, ${q.blocked} blocked (report ${q.reportId}, ${q.checkedAt}, ${q.durationMs} ms)`);
  }
  console.log(`freshness: last published ${p.freshness.lastPublishedAt ?? 'never'}, last quality run ${p.freshness.lastQualityAt ?? 'never'}`);
  for (const d of p.datasets) {
    console.log(`\n${d.table} — ${d.description ?? 'not in the catalog (its domain is not synced)'}${d.source ? ` [source ${d.source}]` : ''}`);
    printTable(['column', 'type', 'null', 'pii', 'description'], d.columns.map((c) => [c.name, c.type, c.nullable ? 'yes' : '', c.pii === 'none' ? '' : c.pii, c.description ?? '']));
  }
  console.log('\nlineage:');
  for (const e of p.lineage) {
    const columns = e.columns?.map((c) => `${c.from}→${c.to}${c.rule ? ` (${c.rule})` : ''}`).join(', ');
    console.log(`  ${e.from} → ${e.to}${columns ? `: ${columns}` : ''}`);
  }
}
