import type { DataProductContract, TableContract } from './contract.js';

/**
 * Retention, declared once: the ages used when a table or a product declares none. Change logs keep
 * every change with its personal data, so they are cut after a quarter unless a table says otherwise;
 * a superseded snapshot only serves a look back at what readers were given, a month is enough.
 */
export const defaultRetention = { changeLogDays: 90, supersededSnapshotDays: 30 } as const;

export interface EffectiveRetention {
  days: number;
  /** Whether the contract declares the age or the default applies. */
  declared: boolean;
}

export function changeLogRetention(table: Pick<TableContract, 'retention'>): EffectiveRetention {
  const days = table.retention?.changeLogDays;
  return days === undefined ? { days: defaultRetention.changeLogDays, declared: false } : { days, declared: true };
}

export function snapshotRetention(product: Pick<DataProductContract, 'retention'>): EffectiveRetention {
  const days = product.retention?.supersededSnapshotDays;
  return days === undefined ? { days: defaultRetention.supersededSnapshotDays, declared: false } : { days, declared: true };
}
