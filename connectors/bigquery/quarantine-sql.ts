import { checksumColumnsOf, checksumQuery } from '../../core/checksum.js';
import { ruleReasonSql } from '../../core/quality/quarantine-rules.js';
import { rowFailureReasonSql } from '../../core/quality/row-sql.js';
import { tableKey, type TableContract } from '../../contracts/contract.js';
import type { RowRule } from '../../contracts/quality-rules.js';
import { ident, literal } from '../../core/sql/bigquery.js';

/**
 * SQL for row quarantine on BigQuery: the same protocol as DuckDB's (connectors/duckdb/quarantine-sql.ts).
 * A row failing a quarantine rule at ingestion is copied, with the rule id and reason, to
 * `raw_<domain>.<table>__quarantine`, and its current-state row becomes a tombstone at the row's
 * source position: a late, older change can never bring the bad version back, and a replay lands the
 * row only while that tombstone is still there (exactly once).
 *
 * `_status`: 'pending' (quarantined by a backfill load not yet swapped in: invisible), 'open',
 * 'replayed' (landed in the current table), 'superseded' (a newer change or load replaced it).
 * Two columns DuckDB does without: `_quarantine_id` (BigQuery has no rowid to tie a replay plan to its
 * row) and `_replay_id` (the replay job that last judged the row: its counts are read back by it).
 *
 * Every statement here runs inside a multi-statement script, where the emulator binds no query
 * parameters: control values are inlined with `literal`.
 */

export const quarantineMetaFields = [
  { name: '_rule_id', type: 'STRING' },
  // Rule kind and columns, never the value: quarantine listings and logs must not carry personal data.
  { name: '_reason', type: 'STRING' },
  { name: '_source_position', type: 'STRING' },
  { name: '_load_id', type: 'STRING' },
  { name: '_quarantined_at', type: 'TIMESTAMP' },
  { name: '_status', type: 'STRING' },
  { name: '_resolved_at', type: 'TIMESTAMP' },
  // Source columns the contract does not declare yet (change capture), restored on replay.
  { name: '_extra', type: 'STRING' },
  { name: '_quarantine_id', type: 'STRING' },
  { name: '_replay_id', type: 'STRING' },
] as const;

const reasonOf = (rules: readonly RowRule[], ruleIdExpr: string): string => ruleReasonSql(rules, ruleIdExpr, 'bigquery');
const ruleOf = (rules: readonly RowRule[], table: TableContract): string => rowFailureReasonSql(rules, table, 'bigquery');

function requireKey(table: TableContract, what: string): string[] {
  const key = tableKey(table);
  if (key.length === 0) throw new Error(`table ${table.name}: ${what} needs a primary or unique key`);
  return key.map(ident);
}
const keyMatch = (table: TableContract, left: string, right: string): string =>
  requireKey(table, 'row quarantine').map((k) => `${left}.${k} = ${right}.${k}`).join(' AND ');
const contractColumns = (table: TableContract): string[] => table.columns.map((c) => ident(c.name));
const now = 'CURRENT_TIMESTAMP()';

/**
 * Copies the failing rows of `source` (an alias `s` with `_rule_id` set) to the quarantine, with a
 * fresh `_quarantine_id`. `position` and `extra` are expressions over `s`.
 */
function insertSql(quarantine: string, table: TableContract, rules: readonly RowRule[], row: { position: string; loadId: string; status: string; from: string }): string {
  const columns = [...contractColumns(table), '_quarantine_id', '_rule_id', '_reason', '_source_position', '_load_id', '_quarantined_at', '_status', '_extra'];
  const values = [...contractColumns(table).map((c) => `s.${c}`), 'GENERATE_UUID()', 's._rule_id', reasonOf(rules, 's._rule_id'), row.position,
    literal(row.loadId), now, literal(row.status), 's._extra'];
  return `INSERT INTO ${quarantine} (${columns.join(', ')})
SELECT ${values.join(', ')}
${row.from}`;
}

/* Backfill: between validateLoad and swapIn, on the load table. */

/** The script quarantineLoad runs: failing live rows of the load to the quarantine as 'pending', then tombstoned (flag only, as on DuckDB). */
export function quarantineLoadScript(quarantine: string, load: string, table: TableContract, rules: readonly RowRule[], loadId: string): string {
  const failing = `${ruleOf(rules, table)} IS NOT NULL`;
  return script([
    insertSql(quarantine, table, rules, {
      position: 's._source_position', loadId, status: 'pending',
      from: `FROM (SELECT *, ${ruleOf(rules, table)} AS _rule_id FROM ${load} WHERE NOT COALESCE(_deleted, FALSE)) AS s WHERE s._rule_id IS NOT NULL`,
    }),
    // Rows already tombstoned (a retry) are not judged again: nothing left to move.
    `UPDATE ${load} SET _deleted = TRUE WHERE NOT COALESCE(_deleted, FALSE) AND ${failing}`,
  ]);
}

/** swapIn: the swapped-in load replaces the whole table, so what was open before is superseded; its own rows open. */
export function quarantineSwapScript(quarantine: string, loadId: string): string {
  return script([
    `UPDATE ${quarantine} SET _status = 'superseded', _resolved_at = ${now} WHERE _status = 'open'`,
    `UPDATE ${quarantine} SET _status = 'open' WHERE _status = 'pending' AND _load_id = ${literal(loadId)}`,
  ]);
}

/** Param @loadId. A dropped load never became visible, nor did what it quarantined. */
export const dropPendingSql = (quarantine: string): string => `DELETE FROM ${quarantine} WHERE _status = 'pending' AND _load_id = @loadId`;

/* Change capture: statements of applyScript (sql.ts), in its transaction. */

export interface ChangeQuarantineInput {
  quarantine: string;
  /** The contract's quarantine rules now; none when they were removed but open rows remain. */
  rules: readonly RowRule[];
}

/** The first failing rule of a change's after-image, as `_rule_id` (NULL for deletes, whose after-image is the key only). */
export const changeRuleIdSql = (table: TableContract, rules: readonly RowRule[]): string =>
  `CASE WHEN _op = 'd' THEN NULL ELSE ${ruleOf(rules, table)} END AS _rule_id`;

/** A truncate replaces every open row older than it. */
export const supersedeByTruncateSql = (quarantine: string, position: string): string =>
  `UPDATE ${quarantine} SET _status = 'superseded', _resolved_at = ${now} WHERE _status = 'open' AND COALESCE(_source_position, '') < ${literal(position)}`;

/**
 * Before the merge (which moves the current rows' positions on), over `newest` (the newest change
 * per key with `_rule_id`): any newer change of a key supersedes its open row, and the failing
 * changes that will apply go to the quarantine. The merge then lands those as tombstones.
 */
export function quarantineChangesSql(input: ChangeQuarantineInput & { current: string; table: TableContract; newest: string }): string[] {
  const { quarantine, rules, current, table, newest } = input;
  return [
    `UPDATE ${quarantine} AS q SET _status = 'superseded', _resolved_at = ${now}
FROM (${newest}) AS s WHERE q._status = 'open' AND ${keyMatch(table, 'q', 's')} AND s._position > q._source_position`,
    insertSql(quarantine, table, rules, {
      position: 's._position', loadId: 'cdc', status: 'open',
      from: `FROM (${newest}) AS s LEFT JOIN ${current} AS t ON ${keyMatch(table, 't', 's')}
WHERE s._rule_id IS NOT NULL AND s._position > COALESCE(t._source_position, '')`,
    }),
  ];
}

/* Reconciliation: what the warehouse holds of the source. */

/** Live rows plus open quarantined rows (the newest per key): what reconciliation compares with the source. */
export function liveAndOpenStatsSql(current: string, quarantine: string, table: TableContract): string {
  const cols = contractColumns(table).join(', ');
  const key = requireKey(table, 'row quarantine').join(', ');
  return checksumQuery('bigquery', checksumColumnsOf(table), `(
  (SELECT ${cols} FROM ${current} WHERE NOT COALESCE(_deleted, FALSE))
  UNION ALL
  (SELECT ${cols} FROM ${quarantine} WHERE _status = 'open' QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY _source_position DESC) = 1))`);
}

/* Replay: one script, one transaction. */

/**
 * Judges every open row against the current rules and stamps it with the replay id: 'replayed' when
 * it passes and its key's current row is still the tombstone at its position, 'superseded' when that
 * key moved on (or an open row of the same key is newer), else it stays open with the reason the
 * current rules give. Then the tombstones of the replayed rows take their values: the position test
 * is the plan's, so a second landing is impossible, and the ASSERT rolls back a difference (a bug).
 * `verify` false leaves the ASSERT out: the emulator does not parse ASSERT (stack/README.md).
 */
export function replayScript(
  quarantine: string, current: string, table: TableContract, rules: readonly RowRule[], replayId: string, verify: boolean,
): string {
  const key = requireKey(table, 'replay');
  const id = literal(replayId);
  const plan = `SELECT q._quarantine_id, q._rule_now,
  CASE WHEN q._rank > 1 OR NOT COALESCE(t._deleted, FALSE) OR t._source_position IS NULL OR t._source_position <> q._source_position THEN 'superseded'
       WHEN q._rule_now IS NULL THEN 'replayed' ELSE 'failing' END AS _outcome
FROM (SELECT _quarantine_id, ${key.join(', ')}, _source_position, ${ruleOf(rules, table)} AS _rule_now,
        ROW_NUMBER() OVER (PARTITION BY ${key.join(', ')} ORDER BY _source_position DESC) AS _rank
      FROM ${quarantine} WHERE _status = 'open') AS q
LEFT JOIN ${current} AS t ON ${keyMatch(table, 't', 'q')}`;
  const failing = `p._outcome = 'failing'`;
  const judge = `UPDATE ${quarantine} AS q SET _status = IF(${failing}, 'open', p._outcome), _resolved_at = IF(${failing}, NULL, ${now}),
  _rule_id = IF(${failing}, p._rule_now, q._rule_id), _reason = IF(${failing}, ${reasonOf(rules, 'p._rule_now')}, q._reason), _replay_id = ${id}
FROM (${plan}) AS p WHERE q._quarantine_id = p._quarantine_id`;
  const nonKey = table.columns.filter((c) => !tableKey(table).includes(c.name)).map((c) => ident(c.name));
  const set = [...nonKey.map((c) => `${c} = q.${c}`), '_deleted = FALSE', '_extra = q._extra', `_loaded_at = ${now}`];
  const replayed = `SELECT * FROM ${quarantine} WHERE _replay_id = ${id} AND _status = 'replayed'`;
  const land = `UPDATE ${current} AS t SET ${set.join(', ')}
FROM (${replayed}) AS q WHERE ${keyMatch(table, 't', 'q')} AND t._deleted AND t._source_position = q._source_position`;
  const check = `ASSERT @@row_count = (SELECT COUNT(*) FROM (${replayed})) AS 'replay: planned and landed rows differ; rolled back'`;
  return script(verify ? [judge, land, check] : [judge, land]);
}

/* Listing: counts and keys only. */

export const countByStatusSql = (quarantine: string): string => `SELECT _status AS status, COUNT(*) AS n FROM ${quarantine} GROUP BY _status`;

/** Param @replayId: the rows one replay judged, by the status it gave them. */
export const countByReplaySql = (quarantine: string): string =>
  `SELECT _status AS status, COUNT(*) AS n FROM ${quarantine} WHERE _replay_id = @replayId GROUP BY _status`;

/** Open rows per rule with up to 20 keys (key columns joined by '|'), newest first. */
export function openByRuleSql(quarantine: string, table: TableContract): string {
  const keyText = `ARRAY_TO_STRING([${requireKey(table, 'a quarantine listing').map((k) => `CAST(${k} AS STRING)`).join(', ')}], '|')`;
  return `SELECT _rule_id AS rule_id, ANY_VALUE(_reason) AS reason, COUNT(*) AS n, ARRAY_AGG(${keyText} ORDER BY _source_position DESC LIMIT 20) AS sample_keys
FROM ${quarantine} WHERE _status = 'open' GROUP BY _rule_id ORDER BY n DESC, rule_id`;
}

/**
 * What a replay's outcome depends on: the quarantine's rows and resolutions and the current table's
 * newest position. Same state and rules, same replay id: a retried activity whose replay job is still
 * running (or done) finds that job instead of starting a second one.
 */
export function replayStateSql(quarantine: string, current: string): string {
  return `SELECT COUNT(*) AS n, COUNTIF(_status = 'open') AS open, CAST(UNIX_MICROS(MAX(_quarantined_at)) AS STRING) AS quarantined,
  CAST(UNIX_MICROS(MAX(_resolved_at)) AS STRING) AS resolved, (SELECT MAX(_source_position) FROM ${current}) AS position FROM ${quarantine}`;
}

/** One multi-statement transaction, run as one job. */
export const script = (statements: string[]): string => `${['BEGIN TRANSACTION', ...statements, 'COMMIT TRANSACTION'].join(';\n')};`;
