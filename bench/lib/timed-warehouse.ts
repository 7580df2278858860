import type { ApplyChangeSetsInput, ChangeApply } from '../../connectors/warehouse/port.js';
import { percentiles } from '../../core/cdc/freshness.js';
import { round } from './measure.js';

/**
 * A change-apply warehouse whose writes are timed and counted: tells the apply's share of the ingest
 * delay from waiting and fetching, and how many tables each write held (one each without
 * applyChangeSets, which BigQuery does not offer).
 */
export class TimedWarehouse {
  readonly writeMs: number[] = [];
  readonly tablesPerWrite: number[] = [];
  readonly warehouse: ChangeApply;

  constructor(inner: ChangeApply) {
    const grouped = inner.applyChangeSets?.bind(inner);
    this.warehouse = {
      applyChanges: (input) => this.time(1, () => inner.applyChanges(input)),
      ...(grouped ? { applyChangeSets: (input: ApplyChangeSetsInput) => this.time(input.sets.length, () => grouped(input)) } : {}),
      consumerOffsets: (input) => inner.consumerOffsets(input),
    };
  }

  /** Forgets what was measured (after a warm-up). */
  reset(): void {
    this.writeMs.length = 0;
    this.tablesPerWrite.length = 0;
  }

  /** Bench keys of the writes since the last reset, over `elapsedS` seconds of run. */
  keys(elapsedS: number) {
    const writes = percentiles(this.writeMs);
    const busyMs = this.writeMs.reduce((a, b) => a + b, 0);
    const tables = this.tablesPerWrite.reduce((a, b) => a + b, 0);
    return {
      tables_per_write: round(tables / Math.max(1, this.tablesPerWrite.length)),
      // Warehouse writes (on DuckDB one write for the batches of every table waiting), one after another.
      p50_write_ms: writes ? Math.round(writes.p50Ms) : null,
      p99_write_ms: writes ? Math.round(writes.p99Ms) : null,
      write_ms_per_table: round(busyMs / Math.max(1, tables)),
      write_busy_share: round(busyMs / 1000 / elapsedS),
    };
  }

  private async time<T>(tables: number, write: () => Promise<T>): Promise<T> {
    this.tablesPerWrite.push(tables);
    const begun = performance.now();
    try {
      return await write();
    } finally {
      this.writeMs.push(performance.now() - begun);
    }
  }
}
