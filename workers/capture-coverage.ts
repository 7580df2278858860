import type { Config } from '../core/config.js';
import { createDb2CaptureCoverage } from '../connectors/db2/capture.js';
import { captureName } from '../connectors/kafka-connect/capture.js';
import { createConnectorCoverage, createPostgresCoverage } from '../connectors/kafka-connect/coverage.js';
import { db2CaptureName } from '../connectors/kafka-connect/debezium-db2.js';
import type { CaptureCoverage } from '../connectors/source/port.js';
import type { SourcePlan } from './connectors.js';

/**
 * The capture coverage check of each source system, for the backfill's handover step
 * (awaitCaptureCoverage): the Debezium PostgreSQL connector of FACTORY_CDC_TOPIC_PREFIX for the
 * PostgreSQL systems; for db2 read from DB2, the Debezium Db2 connector (Connect) and then IBM's ASN
 * capture. A system captured by IIDR has no check (its subscription is not inspectable from here).
 */
export function createCaptureCoverages(config: Config, plans: readonly SourcePlan[]): { captureFor(system: string): CaptureCoverage | undefined; closeAll(): Promise<void> } {
  const open = new Map<string, CaptureCoverage>();
  const planOf = new Map(plans.map((p) => [p.system, p]));
  function build(plan: SourcePlan): CaptureCoverage | undefined {
    if (plan.kind !== 'db2') return createPostgresCoverage({ connectUrl: config.KAFKA_CONNECT_URL, sourceUrl: config.FACTORY_SOURCE_URL, connector: captureName(config.FACTORY_CDC_TOPIC_PREFIX) });
    if (config.FACTORY_CDC_FORMATS[plan.system] === 'iidr-kcop-json') return undefined;
    return createDb2Coverage(config);
  }
  return {
    captureFor(system) {
      if (config.FACTORY_CAPTURE_CHECK === 'off') return undefined;
      const plan = planOf.get(system);
      if (!plan) return undefined;
      if (!open.has(system)) {
        const coverage = build(plan);
        if (!coverage) return undefined;
        open.set(system, coverage);
      }
      return open.get(system);
    },
    async closeAll() {
      await Promise.all([...open.values()].map((c) => c.close()));
      open.clear();
    },
  };
}

/** A Debezium Db2 capture's coverage: its connector in Connect, then IBM's ASN capture of the table (DB2_URL). */
export function createDb2Coverage(config: Pick<Config, 'KAFKA_CONNECT_URL' | 'FACTORY_CDC_TOPIC_PREFIX' | 'DB2_URL'>): CaptureCoverage {
  if (!config.DB2_URL) throw new Error('the Db2 capture check needs DB2_URL');
  return bothOf(
    createConnectorCoverage({ connectUrl: config.KAFKA_CONNECT_URL, connector: db2CaptureName(config.FACTORY_CDC_TOPIC_PREFIX) }),
    createDb2CaptureCoverage({ url: config.DB2_URL }),
  );
}

/** The connector first: without it there is no capture to wait for, whatever the source side says. */
function bothOf(connector: CaptureCoverage, source: CaptureCoverage): CaptureCoverage {
  return {
    capture: `${connector.capture} with ${source.capture}`,
    async missing(ref) {
      const first = await connector.missing(ref);
      if (first === null) return null;
      return [...first, ...((await source.missing(ref)) ?? [])];
    },
    close: async () => {
      await Promise.all([connector.close(), source.close()]);
    },
  };
}
