import type { SourceType } from '../../contracts/source-types.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { isTextFallback } from '../warehouse-types.js';
import { sqlDialect, type WarehouseDialect } from '../sql/index.js';

export interface ColumnLike {
  name: string;
  type: string;
  warehouseType?: string | undefined;
}

/** What quality SQL needs to know about a column: its parsed source type and warehouse type. */
export interface TypedColumn {
  name: string;
  source: SourceType;
  warehouseType: string;
  /** True when the warehouse holds the values as text (strings, and exact-text fallbacks). */
  isText: boolean;
  /** CHAR/GRAPHIC: values may carry trailing blanks that comparisons ignore. */
  isFixedChar: boolean;
}

const textWarehouseTypes = /^(VARCHAR|STRING|TEXT)\b/i;

export function typedColumn(dialect: WarehouseDialect, column: ColumnLike): TypedColumn {
  const source = parseSourceType(column.type);
  const warehouseType = sqlDialect(dialect).columnType(column);
  const isText = textWarehouseTypes.test(warehouseType);
  return {
    name: column.name, source, warehouseType, isText,
    isFixedChar: isText && !isTextFallback(source) && (source.kind === 'CHAR' || source.kind === 'GRAPHIC'),
  };
}
