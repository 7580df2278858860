import type { SourceType } from '../../contracts/source-types.js';

/**
 * The PostgreSQL twin of a contract (DB2-style) type: what the demo source database declares and
 * what the serving store holds, so a value copied in staged CSV lands unchanged (CHAR keeps its
 * blank padding) and the 'postgres' checksum (core/checksum.ts) reads it as the source's.
 */
export function postgresType(type: SourceType): string {
  switch (type.kind) {
    case 'CHAR': case 'GRAPHIC': return `character(${type.length})`;
    case 'VARCHAR': case 'VARGRAPHIC': return `varchar(${type.length})`;
    case 'DECIMAL': return `numeric(${type.precision},${type.scale})`;
    case 'DECFLOAT': return 'numeric';
    case 'SMALLINT': return 'int2';
    case 'INTEGER': return 'int4';
    case 'BIGINT': return 'int8';
    case 'REAL': return 'float4';
    case 'DOUBLE': return 'float8';
    case 'DATE': return 'date';
    case 'TIME': return 'time(0)';
    case 'TIMESTAMP': return `timestamp(${Math.min(type.fractionDigits ?? 6, 6)})`;
    case 'BOOLEAN': return 'boolean';
    case 'BLOB': return 'bytea';
    case 'CLOB': case 'DBCLOB': return 'text';
  }
}
