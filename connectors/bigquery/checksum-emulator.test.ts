import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalRowText, rowHash, type ChecksumColumn } from '../../core/checksum.js';
import { dropProject, emulatorEndpoint, emulatorUnavailable, runProject } from '../../test/support/bigquery.js';
import { createBigQueryClient } from './client.js';
import { relationStatsSql } from './publish-sql.js';

/**
 * The checksum of a wide relation on the BigQuery emulator: one row, the JS canon's sum. A published
 * view of booking.booking has 19 columns; the one-level query form returned no row at all there.
 */
const unavailable = await emulatorUnavailable();
if (unavailable) console.warn(`connectors/bigquery/checksum-emulator.test.ts skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('checksum of a 24-column relation on the BigQuery emulator', () => {
  const projectId = runProject('checksum');
  const bq = createBigQueryClient({ projectId, location: 'EU', apiEndpoint: emulatorEndpoint });
  const fields = Array.from({ length: 24 }, (_, i) => ({ name: `C${i}`, type: i % 3 === 0 ? 'INTEGER' : 'STRING' }));
  const columns: ChecksumColumn[] = fields.map((f) => ({ name: f.name, type: { kind: f.type === 'INTEGER' ? 'BIGINT' : 'VARCHAR' } }));
  const rows = [0, 1].map((r) => fields.map((f, i) => (f.type === 'INTEGER' ? 100 * r + i : i === 2 && r === 1 ? null : `v${r}-${i}`)));

  beforeAll(async () => {
    await bq.createDataset('wide', { location: 'EU' });
    await bq.dataset('wide').createTable('t', { schema: { fields } });
    const values = rows.map((row) => `(${row.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`)).join(', ')})`);
    await bq.query({ query: `INSERT INTO \`${projectId}.wide.t\` (${fields.map((f) => f.name).join(', ')}) VALUES ${values.join(', ')}` });
  });
  afterAll(async () => {
    if (!unavailable) await dropProject(projectId);
  });

  it('returns the row count and the same checksum as the canon computed in JS', async () => {
    const [result] = await bq.query({ query: relationStatsSql(`\`${projectId}.wide.t\``, fields) });
    const expected = rows.reduce((sum, row) => sum + rowHash(canonicalRowText(columns, row)), 0n);
    expect(result).toEqual([{ row_count: 2, checksum: expected.toString() }]);
  });
});
