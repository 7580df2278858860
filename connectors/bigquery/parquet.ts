import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { TableContract } from '../../contracts/contract.js';
import { ident, literal } from '../../core/sql/duckdb.js';
import { changeColumns, isBlob, readStagedCsvSql, redactCsvError, stagedReadType, stagedValueSql } from '../../core/staged/format.js';
import { contractField } from './sql.js';

/**
 * Staged CSV → Parquet, in an in-process DuckDB, for BigQuery load jobs.
 *
 * Why not load the CSV itself: BigQuery's CSV reader cannot tell NULL from the empty string the way
 * the staged format does (empty unquoted vs ""), and the emulator's CSV load ignores every CSV
 * option (it always skips a header line and reads "" as NULL). Parquet is typed: decimals, DATETIME
 * microseconds, bytes, NULL and '' arrive exactly, and DuckDB reads the staged format with the same
 * SQL the DuckDB warehouse uses (core/staged/format.ts); the DuckDB SQL here is the conversion's own. The columns are written in the target table's order and names.
 */

export interface ParquetResult { rows: number }

export class ParquetWriter {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: DuckDBConnection, private readonly instance: DuckDBInstance) {}

  static async create(): Promise<ParquetWriter> {
    const instance = await DuckDBInstance.create(':memory:');
    return new ParquetWriter(await instance.connect(), instance);
  }

  /** A backfill chunk: contract columns, lineage values, and the empty change-capture columns. */
  loadChunk(input: { table: TableContract; csv: string; parquet: string; sourceSystem: string; loadId: string; sourcePosition: string }): Promise<ParquetResult> {
    const { table, csv, parquet } = input;
    const lineage = [`${literal(input.sourceSystem)} AS _source_system`, `${literal(input.loadId)} AS _load_id`,
      'CAST(now() AS TIMESTAMPTZ) AS _loaded_at', `${literal(input.sourcePosition)} AS _source_position`,
      'CAST(NULL AS BOOLEAN) AS _deleted', 'CAST(NULL AS VARCHAR) AS _extra'];
    return this.copy(table, csv, parquet, [], lineage);
  }

  /** A change batch: contract columns, then the change metadata columns as staged. */
  changeBatch(input: { table: TableContract; csv: string; parquet: string }): Promise<ParquetResult> {
    return this.copy(input.table, input.csv, input.parquet, changeColumns, changeColumns.map(([name]) => ident(name)));
  }

  private copy(table: TableContract, csv: string, parquet: string, extraCsv: ReadonlyArray<readonly [string, string]>, extraSelect: string[]): Promise<ParquetResult> {
    const run = this.tail.then(async () => {
      const select = [...table.columns.map(stagedValueSql), ...extraSelect].join(', ');
      const from = readStagedCsvSql({ file: csv, table, readType: csvReadType, extra: extraCsv });
      const sql = `COPY (SELECT ${select} FROM ${from}) TO ${literal(parquet)} (FORMAT PARQUET)`;
      try {
        const result = await this.db.run(sql);
        return { rows: Number(result.rowsChanged) };
      } catch (error) {
        throw new Error(`converting ${csv} to Parquet failed: ${redactCsvError((error as Error).message)}`);
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Rows of a staged file (a change batch when `changeBatch`) for which `where`, over the named contract columns, holds. */
  countStaged(input: { table: TableContract; csv: string; changeBatch: boolean; columns: string[]; where: string }): Promise<number> {
    const { table, csv } = input;
    const run = this.tail.then(async () => {
      const from = readStagedCsvSql({ file: csv, table, ...(input.changeBatch ? { extra: changeColumns } : {}) });
      const select = table.columns.filter((c) => input.columns.includes(c.name)).map(stagedValueSql).join(', ');
      try {
        const reader = await this.db.runAndReadAll(`SELECT count(*) FROM (SELECT ${select} FROM ${from}) WHERE ${input.where}`);
        return Number(reader.getRowsJS()[0]![0]);
      } catch (error) {
        throw new Error(`reading ${csv} failed: ${redactCsvError((error as Error).message)}`);
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
  }
}

/** Columns BigQuery keeps as STRING (DECFLOAT, TIMESTAMP(7..12)) are read as the staged text, unchanged. */
function csvReadType(column: TableContract['columns'][number]): string {
  return contractField(column).type === 'STRING' && !isBlob(column) ? 'VARCHAR' : stagedReadType(column);
}
