import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, MissingDriverError, UnsupportedColumnTypeError } from '../../core/errors.js';
import {
  checkDb2ConnectionString, db2ConnectionKeywords, Db2ConnectionError, loadIbmDb, openDb2,
} from './driver.js';
import { mapDb2Column } from './types.js';
import { closedPort } from '../../test/support/ports.js';

/**
 * These tests run the real ibm_db binding, built by `make setup` (stack/lib/db2.sh) against the CLI
 * driver in .stack/db2/clidriver. No DB2 server runs here, so they cover what the driver does
 * without one: loading, failing to connect, judging a connection string. If the binding is not built
 * they fail with MissingDriverError, which says how to build it.
 */
const clidriver = '.stack/db2/clidriver';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('loading ibm_db', () => {
  it('explains how to build it when the module cannot load, instead of a bare module error', () => {
    let error: unknown;
    try {
      loadIbmDb('ibm_db/no-such-build');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingDriverError);
    const message = (error as Error).message;
    expect(message).toMatch(/make setup/);
    expect(message).toMatch(/IBM_DB_HOME/);
    expect(message).toMatch(/npm rebuild ibm_db/);
    // Temporal does not retry it: the name is in core/errors.ts's nonRetryableErrorTypes.
    expect((error as Error).name).toBe('MissingDriverError');
    expect(String(((error as Error).cause as Error).message)).toMatch(/Cannot find module 'ibm_db\/no-such-build'/);
  });

  it('loads the binding built here, finding libdb2.so without LD_LIBRARY_PATH or IBM_DB_HOME', () => {
    expect(typeof loadIbmDb().open).toBe('function');
    const binding = createRequire(import.meta.url).resolve('ibm_db/build/Release/odbc_bindings.node');
    const { LD_LIBRARY_PATH: _l, IBM_DB_HOME: _h, ...env } = process.env;
    const libraries = execFileSync('ldd', [binding], { env, encoding: 'utf8' });
    expect(libraries).toMatch(/libdb2\.so\.1 => \S*\.stack\/db2\/clidriver\/lib\/libdb2\.so\.1/);
    expect(libraries).not.toMatch(/not found/);
    execFileSync(process.execPath, ['-e', "require('ibm_db')"], { env, stdio: 'pipe' });
  });
});

describe('connecting with the real driver, no server', () => {
  it('names host and port when nothing listens there (the driver says SQL30081N)', async () => {
    const port = await closedPort();
    const error = await rejection(openDb2(`db2://factory:s3cret@127.0.0.1:${port}/SAMPLE`));
    expect(error).toBeInstanceOf(Db2ConnectionError);
    expect(error.message).toMatch(new RegExp(`^cannot connect to DB2 at host 127\\.0\\.0\\.1 port ${port}, database SAMPLE: nothing answered there`));
    expect(error.message).toMatch(/SQL30081N/);
    expect((error as Db2ConnectionError).sqlcode).toBe(-30081);
    expect(error.message).not.toMatch(/s3cret/);
  });

  it('names PORT when it is not a number (the driver says SQL1337N)', async () => {
    const error = await rejection(openDb2('DATABASE=SAMPLE;HOSTNAME=127.0.0.1;PORT=db2port;PROTOCOL=TCPIP;UID=u;PWD=p;'));
    expect(error).toBeInstanceOf(Db2ConnectionError);
    expect(error.message).toMatch(/host 127\.0\.0\.1 port db2port, database SAMPLE: PORT is neither a number nor a known service name/);
    expect(error.message).toMatch(/SQL1337N/);
  });

  it('names DATABASE when it is missing, where the driver only says CLI0199E', async () => {
    const port = await closedPort();
    const noDatabase = `HOSTNAME=127.0.0.1;PORT=${port};PROTOCOL=TCPIP;UID=u;PWD=p;`;
    const fromDriver = await rejection(loadIbmDb().open(noDatabase));
    expect(fromDriver.message).toMatch(/CLI0199E\s+Invalid connection string attribute/);
    expect(fromDriver.message).not.toMatch(/DATABASE/);
    const error = await rejection(openDb2(noDatabase));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/DATABASE= is missing or empty/);
  });

  it('names a misspelt keyword, which the driver silently ignores', async () => {
    const port = await closedPort();
    const misspelt = `DATABASE=SAMPLE;HOSTNAME=127.0.0.1;PORT=${port};PROTOCOL=TCPIP;UID=u;PWD=p;CONNECTTIMOUT=5;`;
    // The driver goes on to connect: the keyword was dropped without a word.
    const fromDriver = await rejection(loadIbmDb().open(misspelt));
    expect(fromDriver.message).toMatch(/SQL30081N/);
    const error = await rejection(openDb2(misspelt));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/unknown keyword CONNECTTIMOUT \(did you mean CONNECTTIMEOUT\?\)/);
    const fromUrl = await rejection(openDb2(`db2://u:p@127.0.0.1:${port}/SAMPLE?Secuirty=SSL`));
    expect(fromUrl.message).toMatch(/unknown keyword Secuirty \(did you mean SECURITY\?\)/);
  });
});

describe('checkDb2ConnectionString', () => {
  it('reads braced values, ignores empty segments and reports where the connection goes', () => {
    expect(checkDb2ConnectionString('Database=SAMPLE; HostName=db.example;Port=50001;;PWD={a;b=c};')).toEqual({
      host: 'db.example', port: '50001', database: 'SAMPLE', dsn: null,
    });
    expect(checkDb2ConnectionString('DSN=PROD;UID=u;PWD=p')).toEqual({ host: null, port: null, database: null, dsn: 'PROD' });
  });

  it('refuses a segment without =, a repeated keyword, an unclosed brace and an empty DATABASE', () => {
    expect(() => checkDb2ConnectionString('DATABASE=S;HOSTNAME')).toThrow(/'HOSTNAME' is not KEYWORD=value/);
    expect(() => checkDb2ConnectionString('DATABASE=S;PORT=1;port=2')).toThrow(/keyword port is given twice/);
    expect(() => checkDb2ConnectionString('DATABASE=S;PWD={abc')).toThrow(/value of PWD opens a brace/);
    expect(() => checkDb2ConnectionString('DATABASE=;HOSTNAME=h')).toThrow(/DATABASE= is missing or empty/);
    expect(() => checkDb2ConnectionString('DATABASE=S;PWD={a;b}c;')).toThrow(/braced value of PWD is followed by 'c;'/);
    expect(() => checkDb2ConnectionString('DATABASE=S;=x')).toThrow(/'=x' has no keyword/);
  });
});

describe('the pinned CLI driver', () => {
  it('knows every keyword the connector accepts (its keyword table in libdb2.so)', () => {
    const library = readFileSync(`${clidriver}/lib/libdb2.so`);
    const known = (keyword: string): boolean => library.includes(Buffer.from(`\0${keyword}\0`, 'latin1'));
    expect(db2ConnectionKeywords.filter((k) => !known(k))).toEqual([]);
    // The lookup itself can fail: misspellings are not in the table.
    expect(['CONNECTTIMOUT', 'DATABSE', 'SECUIRTY'].filter(known)).toEqual([]);
  });

  /**
   * The SQL type codes of the driver's headers, each traced to the DB2 column type it describes and
   * what types.ts makes of it. Result-set metadata (SQLDescribeCol) needs a server, so this checks the
   * mapping against the driver's type system, not against a described column; a type code added in a
   * driver upgrade fails here until it is placed.
   */
  it('has an SQL type code for every DB2 type types.ts maps, and every code it defines is placed', () => {
    const headers = ['sqlcli.h', 'sqlext.h'].map((f) => readFileSync(`${clidriver}/include/${f}`, 'latin1')).join('\n');
    const codes = new Map([...headers.matchAll(/^#define\s+(SQL_[A-Z_]+)\s+\(?(-?\d+)\)?\s*$/gm)].map((m) => [m[1]!, Number(m[2])]));
    const describes: [code: string, typename: string, length: number, scale: number, bitData: number, expected: string | null][] = [
      ['SQL_SMALLINT', 'SMALLINT', 2, 0, 0, 'SMALLINT'], ['SQL_INTEGER', 'INTEGER', 4, 0, 0, 'INTEGER'],
      ['SQL_BIGINT', 'BIGINT', 8, 0, 0, 'BIGINT'], ['SQL_DECIMAL', 'DECIMAL', 31, 8, 0, 'DECIMAL'],
      ['SQL_NUMERIC', 'NUMERIC', 9, 2, 0, 'DECIMAL'], ['SQL_DECFLOAT', 'DECFLOAT', 16, 0, 0, 'DECFLOAT'],
      ['SQL_REAL', 'REAL', 4, 0, 0, 'REAL'], ['SQL_DOUBLE', 'DOUBLE', 8, 0, 0, 'DOUBLE'], ['SQL_FLOAT', 'FLOAT', 8, 0, 0, 'DOUBLE'],
      ['SQL_CHAR', 'CHARACTER', 3, 0, 0, 'CHAR'], ['SQL_VARCHAR', 'VARCHAR', 40, 0, 0, 'VARCHAR'],
      ['SQL_LONGVARCHAR', 'LONG VARCHAR', 32700, 0, 0, 'CLOB'], ['SQL_BINARY', 'BINARY', 16, 0, 0, 'BLOB'],
      ['SQL_VARBINARY', 'VARCHAR', 16, 0, 1, 'BLOB'], ['SQL_LONGVARBINARY', 'LONG VARCHAR', 32700, 0, 1, 'BLOB'],
      ['SQL_GRAPHIC', 'GRAPHIC', 10, 0, 0, 'GRAPHIC'], ['SQL_VARGRAPHIC', 'VARGRAPHIC', 10, 0, 0, 'VARGRAPHIC'],
      ['SQL_LONGVARGRAPHIC', 'LONG VARGRAPHIC', 16350, 0, 0, 'DBCLOB'], ['SQL_TYPE_DATE', 'DATE', 4, 0, 0, 'DATE'],
      ['SQL_TYPE_TIME', 'TIME', 3, 0, 0, 'TIME'], ['SQL_TYPE_TIMESTAMP', 'TIMESTAMP', 10, 6, 0, 'TIMESTAMP'],
      ['SQL_BLOB', 'BLOB', 1024, 0, 0, 'BLOB'], ['SQL_CLOB', 'CLOB', 1024, 0, 0, 'CLOB'], ['SQL_DBCLOB', 'DBCLOB', 1024, 0, 0, 'DBCLOB'],
      ['SQL_BOOLEAN', 'BOOLEAN', 1, 0, 0, 'BOOLEAN'],
      ['SQL_XML', 'XML', 0, 0, 0, null], ['SQL_TYPE_TIMESTAMP_WITH_TIMEZONE', 'TIMESTZ', 13, 6, 0, null],
      ['SQL_DATALINK', 'DATALINK', 200, 0, 0, null],
    ];
    /** Codes that never describe a DB2 table column as such. */
    const notColumnTypes = [
      'SQL_UNKNOWN_TYPE', 'SQL_DATETIME', // ODBC's verbose type and its placeholder
      'SQL_ROW', 'SQL_CURSORHANDLE', 'SQL_USER_DEFINED_TYPE', // routine results and UDTs (types.ts refuses UDTs by USERTYPE)
      'SQL_WCHAR', 'SQL_WVARCHAR', 'SQL_WLONGVARCHAR', // GRAPHIC columns described as wide characters on request
      'SQL_TINYINT', 'SQL_BIT', // ODBC types DB2 has no column type for
    ];
    for (const [code, typename, length, scale, bitData, expected] of describes) {
      expect(codes.has(code), `${code} in the driver's headers`).toBe(true);
      const row = { COLNAME: 'C', TYPENAME: typename, LENGTH: length, SCALE: scale, NULLABLE: 'Y', BITDATA: bitData, USERTYPE: null };
      if (expected) expect(mapDb2Column(row, 'T.T').kind, `${typename} (${code})`).toBe(expected);
      else expect(() => mapDb2Column(row, 'T.T'), `${typename} (${code})`).toThrow(UnsupportedColumnTypeError);
    }
    const dataTypeCodes = (from: string, to: string, text: string): string[] =>
      [...text.slice(text.indexOf(from), text.indexOf(to, text.indexOf(from))).matchAll(/^#define\s+(SQL_[A-Z_]+)\s+\(?-?\d+\)?\s*$/gm)].map((m) => m[1]!);
    const cli = readFileSync(`${clidriver}/include/sqlcli.h`, 'latin1');
    const ext = readFileSync(`${clidriver}/include/sqlext.h`, 'latin1');
    const defined = [
      ...dataTypeCodes('/* Standard SQL data types */', '/* Statement attribute values for cursor sensitivity */', cli),
      ...dataTypeCodes('/* SQL extended data types */', '/* C data type to SQL data type mapping */', cli),
      ...dataTypeCodes('#define SQL_LONGVARCHAR', '#define SQL_BIT', ext), 'SQL_BIT',
    ];
    expect(defined.length).toBeGreaterThan(30);
    const placed = new Set([...describes.map((d) => d[0]), ...notColumnTypes]);
    expect(defined.filter((code) => !placed.has(code))).toEqual([]);
  });
});
