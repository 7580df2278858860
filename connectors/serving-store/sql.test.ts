import { describe, expect, it } from 'vitest';
import { registry } from '../../domains/index.js';
import { addedColumns, applyBatchSql, createTableSql, ERASED_POSITION, eraseSql, servingTable } from './sql.js';

const consent = registry.table('marketing.consent');

describe('serving store SQL', () => {
  it('names tables serve_<domain>.<table> and refuses anything else', () => {
    expect(servingTable('marketing.consent')).toBe('"serve_marketing"."consent"');
    expect(() => servingTable('marketing."x"')).toThrow(`serving store: 'marketing."x"' is not '<domain>.<table>'`);
  });

  it('keys a table by its contract key, positions compared byte-wise', () => {
    const [, create] = createTableSql('marketing.consent', consent);
    expect(create).toContain('"_position" text COLLATE "C" NOT NULL');
    expect(create).toContain('PRIMARY KEY ("CUSTOMER_ID", "PURPOSE_CODE")');
  });

  it('applies the newest change per key over older states only; a delete keeps the key', () => {
    const sql = applyBatchSql('marketing.consent', consent);
    expect(sql).toContain('SELECT DISTINCT ON ("CUSTOMER_ID", "PURPOSE_CODE")');
    expect(sql).toContain(`CASE WHEN "_op" = 'd' THEN NULL ELSE "GRANTED_FLAG" END`);
    expect(sql).toContain('ORDER BY "CUSTOMER_ID", "PURPOSE_CODE", "_position" DESC');
    expect(sql).toMatch(/WHERE t\."_position" < EXCLUDED\."_position"$/);
  });

  it('freezes erased rows above every source position', () => {
    expect(eraseSql('marketing.consent', consent, 'delete', [], 'x')).toBe(
      `UPDATE "serve_marketing"."consent" SET "GRANTED_FLAG" = NULL, "SOURCE_CHANNEL" = NULL, "GRANTED_TS" = NULL, "REVOKED_TS" = NULL, "UPDATED_TS" = NULL, "_deleted" = true, "_position" = '~', "_load_id" = 'erased', "_applied_at" = now() WHERE x`);
    for (const position of ['pg:FFFFFFFFFFFFFFFF:FFFFFFFFFFFFFFFF:1', 'db2:F', 'iidr:9']) expect([position, ERASED_POSITION].sort()).toEqual([position, ERASED_POSITION]);
  });

  it('adds the columns a contract appends, and nothing for any other change', () => {
    expect(addedColumns('A int8, B text', 'A int8, B text, C date, D text')).toEqual(['C', 'D']);
    expect(addedColumns('A int8, B text', 'A int8, B varchar(3)')).toEqual([]);
    expect(addedColumns('A int8, B text', 'A int8')).toEqual([]);
  });
});
