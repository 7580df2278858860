import type { CaptureCoverage, SourceTableRef } from '../source/port.js';
import { openDb2, type Db2Session } from './driver.js';

/**
 * Is IBM's ASN capture capturing a Db2 table? Debezium's Db2 connector reads only the change tables
 * the ASN capture program fills, so a table is covered on the Db2 side when (LUW catalogs):
 *  - the table logs full row images: SYSCAT.TABLES.DATACAPTURE 'Y' (or 'L', with long columns);
 *  - its registration in <asn>.IBMSNAP_REGISTER is active: STATE 'A' (ASNCDC.ADDTABLE inserts it so;
 *    'I' is registered but not captured, 'S' stopped after an error, with STATE_INFO its message);
 *  - its change table (CD_OWNER.CD_TABLE) exists.
 * The connector's half (its task configuration includes the table, it runs) is checked through
 * Connect (connectors/kafka-connect/coverage.ts). Not visible in these tables: whether the capture
 * program has re-read its registrations since ADDTABLE (`VALUES ASNCDC.ASNCDCSERVICES('reinit','asncdc')`);
 * the README asks for it before registering. Unverified against a real Db2 (none runs here); the SQL
 * is unit-tested as text.
 */

/** One row per table: data capture, its registration and whether the change table exists. Parameters: schema, table. */
export function db2CaptureSql(asnSchema = 'ASNCDC'): string {
  if (!/^[A-Z0-9_#$@]{1,128}$/.test(asnSchema)) throw new Error(`Db2 capture: ASN schema '${asnSchema}' is not an ordinary upper-case Db2 identifier`);
  return `SELECT T.DATACAPTURE, R.STATE, R.STATE_INFO, R.CD_OWNER, R.CD_TABLE, C.TABNAME AS CD_FOUND
  FROM SYSCAT.TABLES T
  LEFT JOIN ${asnSchema}.IBMSNAP_REGISTER R ON R.SOURCE_OWNER = T.TABSCHEMA AND R.SOURCE_TABLE = T.TABNAME AND R.SOURCE_VIEW_QUAL = 0
  LEFT JOIN SYSCAT.TABLES C ON C.TABSCHEMA = R.CD_OWNER AND C.TABNAME = R.CD_TABLE
 WHERE T.TABSCHEMA = ? AND T.TABNAME = ?`;
}

export interface Db2CaptureRow {
  DATACAPTURE: string;
  STATE: string | null;
  STATE_INFO: string | null;
  CD_OWNER: string | null;
  CD_TABLE: string | null;
  CD_FOUND: string | null;
}

/** What is missing on the Db2 side for the table to be captured ([] when nothing is). */
export function db2CaptureGaps(rows: readonly Db2CaptureRow[], ref: SourceTableRef, asnSchema = 'ASNCDC'): string[] {
  const name = `${ref.schema}.${ref.table}`;
  const row = rows[0];
  if (!row) return [`table ${name} not found in SYSCAT.TABLES`];
  const gaps: string[] = [];
  const datacapture = row.DATACAPTURE.trim();
  if (datacapture !== 'Y' && datacapture !== 'L') gaps.push(`DATA CAPTURE CHANGES is off (SYSCAT.TABLES.DATACAPTURE '${datacapture}'; ASNCDC.ADDTABLE sets it)`);
  const state = row.STATE?.trim();
  if (!state) gaps.push(`no registration in ${asnSchema}.IBMSNAP_REGISTER (CALL ASNCDC.ADDTABLE('${ref.schema}', '${ref.table}'), then reinit the capture)`);
  else if (state === 'I') gaps.push(`its registration in ${asnSchema}.IBMSNAP_REGISTER is inactive (STATE 'I'): the capture program is not capturing it`);
  else if (state === 'S') gaps.push(`its capture stopped after an error (${asnSchema}.IBMSNAP_REGISTER STATE 'S'${row.STATE_INFO ? `, ${row.STATE_INFO.trim()}` : ''})`);
  else if (state !== 'A') gaps.push(`its registration in ${asnSchema}.IBMSNAP_REGISTER has STATE '${state}', not 'A' (active)`);
  if (state && !row.CD_FOUND) gaps.push(`its change table ${row.CD_OWNER?.trim() ?? '?'}.${row.CD_TABLE?.trim() ?? '?'} does not exist`);
  return gaps;
}

/** The ASN side of a Debezium Db2 capture's coverage, on its own connection (opened on first use). */
export function createDb2CaptureCoverage(input: { url: string; asnSchema?: string }): CaptureCoverage {
  let session: Promise<Db2Session> | undefined;
  const sql = db2CaptureSql(input.asnSchema);
  return {
    capture: `ASN capture ${input.asnSchema ?? 'ASNCDC'}`,
    async missing(ref) {
      session ??= openDb2(input.url);
      const rows = await (await session).query<Db2CaptureRow>(sql, [ref.schema, ref.table]);
      return db2CaptureGaps(rows, ref, input.asnSchema);
    },
    async close() {
      if (session) await (await session).close();
    },
  };
}
