import type { Config } from '../core/config.js';
import { createDb2Source } from '../connectors/db2/source.js';
import { createPostgresSource } from '../connectors/postgres/source.js';
import type { SourceConnector } from '../connectors/source/port.js';

/**
 * The source connector of each contract system, chosen by configuration: system `db2` reads DB2
 * through `ibm_db` when DB2_URL is set; without it, the PostgreSQL source stands in for DB2 only when
 * FACTORY_DB2_STANDIN=postgres (the demo: its database mirrors DB2's schemas and types), and the
 * worker says so at start. Every other system (the CRM's `crm_pg`) is PostgreSQL at FACTORY_SOURCE_URL.
 */

export interface SourcePlan {
  system: string;
  kind: 'db2' | 'postgres' | 'postgres standing in for db2';
  /** The variable that configures it (what a reader of the start-up line looks up). */
  variable: 'DB2_URL' | 'FACTORY_SOURCE_URL';
}

type SourceSettings = Pick<Config, 'DB2_URL' | 'FACTORY_DB2_STANDIN'>;

/** Each system's source, or the problem of a system without one (naming the tables and the variable to set). */
export function planSources(config: SourceSettings, tablesBySystem: ReadonlyMap<string, readonly string[]>): { plans: SourcePlan[]; problems: string[] } {
  const plans: SourcePlan[] = [];
  const problems: string[] = [];
  for (const [system, tables] of [...tablesBySystem].sort(([a], [b]) => a.localeCompare(b))) {
    if (system !== 'db2') plans.push({ system, kind: 'postgres', variable: 'FACTORY_SOURCE_URL' });
    else if (config.DB2_URL) plans.push({ system, kind: 'db2', variable: 'DB2_URL' });
    else if (config.FACTORY_DB2_STANDIN === 'postgres') plans.push({ system, kind: 'postgres standing in for db2', variable: 'FACTORY_SOURCE_URL' });
    else {
      const some = tables.slice(0, 3).join(', ') + (tables.length > 3 ? `, … (${tables.length} tables)` : '');
      problems.push(`system db2 (${some}) has no source: set DB2_URL (an ibm_db connection string DATABASE=…;HOSTNAME=…;PORT=…;PROTOCOL=TCPIP;UID=…;PWD=…), or FACTORY_DB2_STANDIN=postgres to read the PostgreSQL demo source instead`);
    }
  }
  return { plans, problems };
}

/** The start-up line that says which source each system reads (never a URL: it may hold a password). */
export function describeSources(plans: readonly SourcePlan[]): string {
  return `sources: ${plans.map((p) => `${p.system} → ${p.kind} (${p.variable})`).join('; ')}`;
}

export function createSourceRegistry(config: Config, plans: readonly SourcePlan[]): { sourceFor(system: string): SourceConnector; closeAll(): Promise<void> } {
  const open = new Map<string, SourceConnector>();
  const planOf = new Map(plans.map((p) => [p.system, p]));
  return {
    sourceFor(system: string): SourceConnector {
      let connector = open.get(system);
      if (!connector) {
        const plan = planOf.get(system);
        if (!plan) throw new Error(`system ${system}: no source planned at start (known: ${[...planOf.keys()].join(', ')})`);
        connector = plan.kind === 'db2'
          ? createDb2Source({ url: config.DB2_URL!, system })
          : createPostgresSource({ url: config.FACTORY_SOURCE_URL, system, maxConnections: config.FACTORY_CHUNK_CONCURRENCY + 2 });
        open.set(system, connector);
      }
      return connector;
    },
    async closeAll() {
      await Promise.all([...open.values()].map((c) => c.close()));
      open.clear();
    },
  };
}
