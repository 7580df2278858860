import type { Config } from '../core/config.js';
import { createPostgresSource } from '../connectors/postgres/source.js';
import type { SourceConnector } from '../connectors/source/port.js';

/**
 * The source connector for each contract system. Without DB2_URL, the PostgreSQL demo source stands
 * in for every system (it mirrors DB2's schemas and types); with DB2_URL, system 'db2' reads DB2.
 */
export function createSourceRegistry(config: Config): { sourceFor(system: string): SourceConnector; closeAll(): Promise<void> } {
  const open = new Map<string, SourceConnector>();
  return {
    sourceFor(system: string): SourceConnector {
      let connector = open.get(system);
      if (!connector) {
        connector = createPostgresSource({ url: config.FACTORY_SOURCE_URL, system, maxConnections: config.FACTORY_CHUNK_CONCURRENCY + 2 });
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
