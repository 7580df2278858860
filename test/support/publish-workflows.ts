// Workflows for the publication workflow tests: the real publishDataProduct, and a stand-in for its
// child quality gate whose verdict the test chooses (through the `gateVerdict` activity).
import { proxyActivities } from '@temporalio/workflow';
import type { QualityGateInput, QualityGateResult } from '../../workflows/api/quality-gate.js';

export { publishDataProduct } from '../../workflows/publish-data-product.js';

const { gateVerdict } = proxyActivities<{ gateVerdict(product: string): Promise<QualityGateResult['status']> }>({ startToCloseTimeout: '1m' });

export async function qualityGate(input: QualityGateInput): Promise<QualityGateResult> {
  const product = typeof input.product === 'string' ? input.product : `${input.product.domain}.${input.product.product}`;
  return { product, status: await gateVerdict(product), results: [], reportId: `report-${product}`, durationMs: 1 };
}
