import { describe, expect, it } from 'vitest';
import { db2CaptureGaps, db2CaptureSql, type Db2CaptureRow } from './capture.js';

const ref = { schema: 'RES', table: 'BOOKING_LINE' };
const active: Db2CaptureRow = { DATACAPTURE: 'Y', STATE: 'A', STATE_INFO: null, CD_OWNER: 'ASNCDC', CD_TABLE: 'CDC_RES_BOOKING_LINE', CD_FOUND: 'CDC_RES_BOOKING_LINE' };

describe('Db2 capture check SQL', () => {
  it('reads data capture from SYSCAT.TABLES, the registration from the ASN register and the change table from the catalog', () => {
    const sql = db2CaptureSql();
    expect(sql).toContain('SELECT T.DATACAPTURE, R.STATE, R.STATE_INFO, R.CD_OWNER, R.CD_TABLE, C.TABNAME AS CD_FOUND');
    expect(sql).toContain('LEFT JOIN ASNCDC.IBMSNAP_REGISTER R ON R.SOURCE_OWNER = T.TABSCHEMA AND R.SOURCE_TABLE = T.TABNAME AND R.SOURCE_VIEW_QUAL = 0');
    expect(sql).toContain('LEFT JOIN SYSCAT.TABLES C ON C.TABSCHEMA = R.CD_OWNER AND C.TABNAME = R.CD_TABLE');
    expect(sql).toMatch(/WHERE T\.TABSCHEMA = \? AND T\.TABNAME = \?$/);
    expect((sql.match(/\?/g) ?? []).length).toBe(2);
  });

  it('takes another ASN schema, and refuses one that would have to be quoted', () => {
    expect(db2CaptureSql('CDC2')).toContain('LEFT JOIN CDC2.IBMSNAP_REGISTER R');
    expect(() => db2CaptureSql('asn; DROP')).toThrow(/ASN schema 'asn; DROP'/);
  });
});

describe('Db2 capture gaps', () => {
  it('finds none for an active registration of a table with data capture and its change table', () => {
    expect(db2CaptureGaps([active], ref)).toEqual([]);
    expect(db2CaptureGaps([{ ...active, DATACAPTURE: 'L' }], ref)).toEqual([]);
  });

  it('names each thing missing', () => {
    expect(db2CaptureGaps([], ref)).toEqual(['table RES.BOOKING_LINE not found in SYSCAT.TABLES']);
    expect(db2CaptureGaps([{ ...active, DATACAPTURE: 'N' }], ref)).toEqual([expect.stringMatching(/DATA CAPTURE CHANGES is off \(SYSCAT.TABLES.DATACAPTURE 'N'/)]);
    const unregistered = { DATACAPTURE: 'N', STATE: null, STATE_INFO: null, CD_OWNER: null, CD_TABLE: null, CD_FOUND: null };
    expect(db2CaptureGaps([unregistered], ref)).toEqual([
      expect.stringMatching(/DATA CAPTURE CHANGES is off/),
      "no registration in ASNCDC.IBMSNAP_REGISTER (CALL ASNCDC.ADDTABLE('RES', 'BOOKING_LINE'), then reinit the capture)",
    ]);
    expect(db2CaptureGaps([{ ...active, STATE: 'I' }], ref)).toEqual([expect.stringMatching(/inactive \(STATE 'I'\)/)]);
    expect(db2CaptureGaps([{ ...active, STATE: 'S', STATE_INFO: 'ASN0100E ' }], ref)).toEqual(["its capture stopped after an error (ASNCDC.IBMSNAP_REGISTER STATE 'S', ASN0100E)"]);
    expect(db2CaptureGaps([{ ...active, CD_FOUND: null }], ref)).toEqual(['its change table ASNCDC.CDC_RES_BOOKING_LINE does not exist']);
  });
});
