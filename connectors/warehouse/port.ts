import type { WarehouseDialect } from '../../core/sql/dialect.js';
import type { AccessViews } from './access-port.js';
import type { ChangeApply } from './change-port.js';
import type { Erasure } from './erasure-port.js';
import type { Kpis } from './kpi-port.js';
import type { WarehouseLoad, WarehouseReads } from './load-port.js';
import type { Publication } from './publish-port.js';
import type { QualifiedLayer } from './qualified-port.js';
import type { QualityStore } from './quality-port.js';
import type { Quarantine } from './quarantine-port.js';
import type { Retention } from './retention-port.js';

/**
 * The warehouse port: what the single warehouse-owner process offers (DuckDB embedded, BigQuery in
 * production), as small capabilities. Each adapter declares the ones it `implements` and lists them
 * in `provides`, a record from capability to the object that implements it; the worker checks at
 * start-up that the warehouse provides every capability the enabled workflows need
 * (workers/capabilities.ts), and activity factories take only the capabilities they use.
 * Inputs are one object each; results are references and counts, never rows.
 *
 * Layout: schemas `raw_<domain>`, `qualified_<domain>`, `published_<domain>`, `_factory` (control).
 */

export * from './change-port.js';
export * from './erasure-port.js';
export * from './kpi-port.js';
export * from './load-port.js';
export * from './quarantine-port.js';

export interface CapabilityPorts {
  load: WarehouseLoad;
  reads: WarehouseReads;
  changeApply: ChangeApply;
  quarantine: Quarantine;
  qualityStore: QualityStore;
  qualifiedLayer: QualifiedLayer;
  publication: Publication;
  retention: Retention;
  accessViews: AccessViews;
  erasure: Erasure;
  kpis: Kpis;
}

export type Capability = keyof CapabilityPorts;

// A record, so that tsc refuses a capability left out of the list.
const described: Record<Capability, string> = {
  load: 'backfill loads (prepare, chunk, validate, swap in)',
  reads: 'table statistics',
  changeApply: 'change capture (apply changes, consumer offsets)',
  quarantine: 'row quarantine and its replay',
  qualityStore: 'quality checks and reports',
  qualifiedLayer: 'the qualified layer (views with business rules)',
  publication: 'data product publication (snapshots, promotion)',
  retention: 'retention (change-log rows and superseded snapshots past their age)',
  accessViews: 'secured views per role over the published products (access policy)',
  erasure: 'subject erasure and the erasure ledger that backfill and change capture consult',
  kpis: 'steering KPIs computed over the published products',
};

/** Every capability, in the order messages list them. */
export const capabilities = Object.keys(described) as Capability[];

export const describeCapability = (c: Capability): string => described[c];

/** What an adapter provides: each capability it has, as the object that implements it. */
export type Provided<C extends Capability> = { readonly [K in C]: CapabilityPorts[K] };

export interface Closable {
  close(): Promise<void>;
}


/** An adapter with the capabilities C (its class `implements` their interfaces too). */
export interface WarehouseAdapter<C extends Capability = Capability> extends Closable {
  readonly kind: WarehouseDialect;
  readonly provides: Provided<C>;
}

/** Any adapter, as the worker holds it: which capabilities it has is known at run time. */
export interface OpenWarehouse extends Closable {
  readonly kind: WarehouseDialect;
  readonly provides: Partial<CapabilityPorts>;
}

/** The capabilities an open adapter provides. */
export function capabilitiesOf(warehouse: Pick<OpenWarehouse, 'provides'>): ReadonlySet<Capability> {
  return new Set(capabilities.filter((c) => warehouse.provides[c] !== undefined));
}

/** What both adapters provide: backfill loads, statistics and change capture. */
export type LoadAndCapture = WarehouseLoad & WarehouseReads & ChangeApply & Closable;
