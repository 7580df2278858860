import type { DomainDeclaration, TableDeclaration } from '../../contracts/contract.js';

/**
 * Source tables of the backfill bench. `booking`: 10 columns shaped like a booking. `lineitem`: the
 * 16 columns of TPC-H's LINEITEM (the well-known shape the peer comparison was first measured on),
 * with a two-column key; values are derived from the row number, so every run loads the same rows.
 */
export interface BackfillShape {
  table: TableDeclaration;
  /** Builds schema BENCH and its table with `rows` rows (dropping what was there). */
  generateSql(rows: number): string;
}

const booking: BackfillShape = {
  table: {
    name: 'booking',
    description: 'booking-like rows, 10 columns',
    source: { system: 'db2', schema: 'BENCH', table: 'BOOKING' },
    primaryKey: ['BOOKING_ID'],
    columns: [
      { name: 'BOOKING_ID', type: 'BIGINT' },
      { name: 'RESORT_CODE', type: 'CHAR(4)' },
      { name: 'STATUS_CODE', type: 'CHAR(1)' },
      { name: 'CUSTOMER_ID', type: 'BIGINT' },
      { name: 'ARRIVAL_DATE', type: 'DATE' },
      { name: 'DEPARTURE_DATE', type: 'DATE' },
      { name: 'TOTAL_AMOUNT', type: 'DECIMAL(12,2)' },
      { name: 'CURRENCY_CODE', type: 'CHAR(3)' },
      { name: 'CREATED_TS', type: 'TIMESTAMP(6)' },
      { name: 'NOTE', type: 'VARCHAR(40)', nullable: true },
    ],
  },
  generateSql: (rows) => `DROP TABLE IF EXISTS "BENCH"."BOOKING";
      CREATE TABLE "BENCH"."BOOKING" ("BOOKING_ID" int8 NOT NULL, "RESORT_CODE" character(4) NOT NULL, "STATUS_CODE" character(1) NOT NULL,
        "CUSTOMER_ID" int8 NOT NULL, "ARRIVAL_DATE" date NOT NULL, "DEPARTURE_DATE" date NOT NULL, "TOTAL_AMOUNT" numeric(12,2) NOT NULL,
        "CURRENCY_CODE" character(3) NOT NULL, "CREATED_TS" timestamp(6) NOT NULL, "NOTE" varchar(40));
      INSERT INTO "BENCH"."BOOKING" SELECT g, (ARRAY['ALP1','SEA2','MTN','LK4'])[1 + g % 4], (ARRAY['C','X','P'])[1 + g % 3], g / 3,
        date '2024-01-01' + (g % 700), date '2024-01-01' + (g % 700) + 1 + g % 14, round((g % 100000) * 12.37, 2), (ARRAY['EUR','CHF','GBP'])[1 + g % 3],
        timestamp '2023-01-01' + g * interval '3 seconds 17 microseconds', CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'note ' || g END
        FROM generate_series(1, ${rows}) AS g;
      ALTER TABLE "BENCH"."BOOKING" ADD PRIMARY KEY ("BOOKING_ID");`,
};

const lineitem: BackfillShape = {
  table: {
    name: 'lineitem',
    description: 'order lines, the 16 columns of TPC-H LINEITEM',
    source: { system: 'db2', schema: 'BENCH', table: 'LINEITEM' },
    primaryKey: ['L_ORDERKEY', 'L_LINENUMBER'],
    columns: [
      { name: 'L_ORDERKEY', type: 'BIGINT' },
      { name: 'L_PARTKEY', type: 'BIGINT' },
      { name: 'L_SUPPKEY', type: 'BIGINT' },
      { name: 'L_LINENUMBER', type: 'INTEGER' },
      { name: 'L_QUANTITY', type: 'DECIMAL(15,2)' },
      { name: 'L_EXTENDEDPRICE', type: 'DECIMAL(15,2)' },
      { name: 'L_DISCOUNT', type: 'DECIMAL(15,2)' },
      { name: 'L_TAX', type: 'DECIMAL(15,2)' },
      { name: 'L_RETURNFLAG', type: 'CHAR(1)' },
      { name: 'L_LINESTATUS', type: 'CHAR(1)' },
      { name: 'L_SHIPDATE', type: 'DATE' },
      { name: 'L_COMMITDATE', type: 'DATE' },
      { name: 'L_RECEIPTDATE', type: 'DATE' },
      { name: 'L_SHIPINSTRUCT', type: 'CHAR(25)' },
      { name: 'L_SHIPMODE', type: 'CHAR(10)' },
      { name: 'L_COMMENT', type: 'VARCHAR(44)' },
    ],
  },
  // Four lines per order; quantities, prices and dates vary with the row number as dbgen's do.
  generateSql: (rows) => `DROP TABLE IF EXISTS "BENCH"."LINEITEM";
      CREATE TABLE "BENCH"."LINEITEM" ("L_ORDERKEY" int8 NOT NULL, "L_PARTKEY" int8 NOT NULL, "L_SUPPKEY" int8 NOT NULL,
        "L_LINENUMBER" int4 NOT NULL, "L_QUANTITY" numeric(15,2) NOT NULL, "L_EXTENDEDPRICE" numeric(15,2) NOT NULL,
        "L_DISCOUNT" numeric(15,2) NOT NULL, "L_TAX" numeric(15,2) NOT NULL, "L_RETURNFLAG" character(1) NOT NULL,
        "L_LINESTATUS" character(1) NOT NULL, "L_SHIPDATE" date NOT NULL, "L_COMMITDATE" date NOT NULL, "L_RECEIPTDATE" date NOT NULL,
        "L_SHIPINSTRUCT" character(25) NOT NULL, "L_SHIPMODE" character(10) NOT NULL, "L_COMMENT" varchar(44) NOT NULL);
      INSERT INTO "BENCH"."LINEITEM" SELECT 1 + g / 4, 1 + (g::int8 * 7919) % 200000, 1 + (g::int8 * 104729) % 10000, 1 + g % 4,
        1 + g % 50, round((1 + g % 50) * (900 + (g::int8 * 31) % 100000 / 100.0), 2), (g % 11) / 100.0, (g % 9) / 100.0,
        (ARRAY['R','A','N'])[1 + g % 3], (ARRAY['O','F'])[1 + g % 2], date '1992-01-02' + g % 2400, date '1992-01-31' + g % 2400,
        date '1992-01-03' + g % 2400 + g % 30, (ARRAY['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN'])[1 + g % 4],
        (ARRAY['REG AIR','AIR','RAIL','SHIP','TRUCK','MAIL','FOB'])[1 + g % 7],
        left('carefully final packages ' || md5(g::text), 10 + g % 34)
        FROM generate_series(0, ${rows} - 1) AS g;
      ALTER TABLE "BENCH"."LINEITEM" ADD PRIMARY KEY ("L_ORDERKEY", "L_LINENUMBER");`,
};

export const backfillShapes: Record<string, BackfillShape> = { booking, lineitem };

export function shapeDeclaration(shape: BackfillShape): DomainDeclaration {
  return { name: 'bench', description: 'backfill benchmark', dpo: { id: 'dpo.bench', name: 'Bench Owner' }, tables: [shape.table] };
}
