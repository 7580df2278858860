import type { CatalogStore } from '../../connectors/catalog/port.js';
import { kpiValue } from '../../core/kpi/values.js';
import type { RecordKpiValuesInput } from '../../workflows/api/kpis.js';

export interface KpiCatalogActivitiesDeps {
  catalog: Pick<CatalogStore, 'writeKpiValues'>;
}

/** KPI values into the catalog: each value judged against the target it was computed for, written once per run. */
export function createKpiCatalogActivities({ catalog }: KpiCatalogActivitiesDeps) {
  return {
    async recordKpiValues(input: RecordKpiValuesInput): Promise<{ written: number; alreadyRecorded: boolean }> {
      const { rows, ...run } = input;
      return catalog.writeKpiValues({ ...run, values: rows.map((r) => kpiValue(r, input.target)) });
    },
  };
}
