// `npm run bench -- <name> [options] --json`: runs bench/<name>.ts; each prints one JSON line last.
const [name, ...args] = process.argv.slice(2);
const benches: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  backfill: () => import('./backfill.js'),
  cdc: () => import('./cdc.js'),
  'cdc-e2e': () => import('./cdc-e2e.js'),
  'cdc-fanout': () => import('./cdc-fanout.js'),
  quality: () => import('./quality.js'),
  erase: () => import('./erase.js'),
  serve: () => import('./serve.js'),
};
const load = name ? benches[name] : undefined;
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options] --json`);
  process.exit(2);
}
await (await load()).run(args);
