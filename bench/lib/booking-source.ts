import pg from 'pg';
import { ensureGenerated } from './source-db.js';

/**
 * Source tables for the quality benchmark, shaped like the booking domain's contracts (their
 * source names and column types): BOOK.BOOKING with `rows` rows, CUST.CUSTOMER (a tenth as many:
 * the booking rule 'booking_customer_exists' needs its parent) and DIST.CHANNEL (for
 * 'booking_channel_exists'). Names are synthetic, no personal data.
 *
 * Flaws, each on a small fixed share of bookings (the three quarantine flaws never meet on one row):
 * - quarantined at ingestion: unknown status 'Z' (g % 1000 = 7), negative total (g % 2000 = 13),
 *   currency 'ZZZ' (g % 5000 = 17) — about 0.17% of rows;
 * - found by dataset checks only: a customer that does not exist (g % 10007 = 0), departure before
 *   arrival (g % 20011 = 0).
 */

/** Bump when the generator changes, so a run never reuses tables of an older shape. */
const VERSION = 'quality-v2';

export const customersFor = (rows: number): number => Math.max(1000, Math.floor(rows / 10));

export async function ensureBookingSource(url: string, rows: number): Promise<void> {
  const customers = customersFor(rows);
  await ensureGenerated({
    url, table: '"BOOK"."BOOKING"', marker: `${VERSION} rows=${rows}`,
    what: `${rows.toLocaleString('en')} bookings and ${customers.toLocaleString('en')} customers`,
    sql: `DROP SCHEMA IF EXISTS "BOOK" CASCADE; DROP SCHEMA IF EXISTS "CUST" CASCADE; DROP SCHEMA IF EXISTS "DIST" CASCADE;
      CREATE SCHEMA "BOOK"; CREATE SCHEMA "CUST"; CREATE SCHEMA "DIST";
      CREATE TABLE "DIST"."CHANNEL" ("CHANNEL_CODE" character(3) PRIMARY KEY, "CHANNEL_NAME" varchar(60) NOT NULL, "CHANNEL_TYPE" character(1) NOT NULL,
        "DEFAULT_COMMISSION_PCT" numeric(5,2) NOT NULL, "CREATED_TS" timestamp(6) NOT NULL, "UPDATED_TS" timestamp(6) NOT NULL);
      INSERT INTO "DIST"."CHANNEL" VALUES ('WEB', 'Website', 'D', 0, '2020-01-01', '2020-01-01'), ('CCN', 'Call centre', 'D', 0, '2020-01-01', '2020-01-01'),
        ('AGY', 'Travel agencies', 'A', 8.5, '2020-01-01', '2020-01-01'), ('OTA', 'Online travel agents', 'O', 15, '2020-01-01', '2020-01-01');
      CREATE TABLE "CUST"."CUSTOMER" ("CUSTOMER_ID" int8 NOT NULL, "TITLE_CODE" character(4), "FIRST_NAME" varchar(60) NOT NULL, "LAST_NAME" varchar(80) NOT NULL,
        "BIRTH_DATE_NUM" numeric(8,0), "GENDER_CODE" character(1), "NATIONALITY_CODE" character(2), "LANGUAGE_CODE" character(2) NOT NULL,
        "CUSTOMER_TYPE" character(1) NOT NULL, "STATUS_CODE" character(1) NOT NULL, "CREATED_TS" timestamp(6) NOT NULL, "UPDATED_TS" timestamp(6) NOT NULL);
      INSERT INTO "CUST"."CUSTOMER" SELECT c, (ARRAY['MR','MRS','MS',NULL])[1 + c % 4], 'First' || c, 'Last' || c,
        CASE WHEN c % 10 = 0 THEN 0 ELSE to_char(date '1950-01-01' + c % 20000, 'YYYYMMDD')::numeric END, (ARRAY['F','M',NULL])[1 + c % 3],
        (ARRAY['CH','DE','FR','IT','GB'])[1 + c % 5], (ARRAY['DE','FR','IT','EN'])[1 + c % 4], (ARRAY['P','P','P','B','G'])[1 + c % 5], 'A',
        timestamp '2015-01-01' + c * interval '1 minute', timestamp '2015-01-01' + c * interval '1 minute' + interval '1 day'
        FROM generate_series(1, ${customers}) AS c;
      ALTER TABLE "CUST"."CUSTOMER" ADD PRIMARY KEY ("CUSTOMER_ID");
      CREATE TABLE "BOOK"."BOOKING" ("BOOKING_ID" int8 NOT NULL, "BOOKING_REF" character(10) NOT NULL, "CUSTOMER_ID" int8 NOT NULL,
        "CHANNEL_CODE" character(3) NOT NULL, "AGENCY_ID" int4, "RESORT_CODE" character(4) NOT NULL, "BOOK_DATE_NUM" numeric(8,0) NOT NULL,
        "ARRIVAL_DATE" date NOT NULL, "DEPARTURE_DATE" date NOT NULL, "STATUS_CODE" character(1) NOT NULL, "CURRENCY_CODE" character(3) NOT NULL,
        "TOTAL_AMOUNT" numeric(13,2) NOT NULL, "CREATED_TS" timestamp(6) NOT NULL, "UPDATED_TS" timestamp(6) NOT NULL);
      INSERT INTO "BOOK"."BOOKING" SELECT g, 'BK' || upper(lpad(to_hex(g), 8, '0')),
        CASE WHEN g % 10007 = 0 THEN ${customers} + g ELSE 1 + g % ${customers} END,
        (ARRAY['WEB','CCN','AGY','OTA'])[1 + g % 4], CASE WHEN g % 4 >= 2 THEN 1 + g % 5000 END, (ARRAY['ALP1','SEA2','MTN3','LAK4','CTY5'])[1 + g % 5],
        to_char(booked, 'YYYYMMDD')::numeric, arrival, CASE WHEN g % 20011 = 0 THEN arrival - 1 ELSE arrival + 1 + g % 14 END,
        CASE WHEN g % 1000 = 7 THEN 'Z' ELSE (ARRAY['O','C','X','T'])[1 + g % 4] END,
        CASE WHEN g % 5000 = 17 THEN 'ZZZ' ELSE (ARRAY['EUR','CHF','GBP'])[1 + g % 3] END,
        CASE WHEN g % 2000 = 13 THEN -1 - g % 1000 ELSE round((g % 100000) * 9.37, 2) END,
        booked + g % 86400 * interval '1 second', booked + g % 86400 * interval '1 second' + g % 1000 * interval '1 minute'
        FROM (SELECT g, date '2023-01-01' + g % 700 AS booked, date '2023-01-01' + g % 700 + 7 + g % 90 AS arrival
              FROM generate_series(1, ${rows}) AS g) AS s;
      ALTER TABLE "BOOK"."BOOKING" ADD PRIMARY KEY ("BOOKING_ID");`,
    finish: ['VACUUM (ANALYZE) "BOOK"."BOOKING"', 'VACUUM (ANALYZE) "CUST"."CUSTOMER"', 'VACUUM (ANALYZE) "DIST"."CHANNEL"'],
  });
}

/** Bookings carrying one of the flaws the quarantine rules catch (counted at the source, independently of the rules' SQL). */
export async function flawedBookings(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "BOOK"."BOOKING"
      WHERE "BOOKING_ID" % 1000 = 7 OR "BOOKING_ID" % 2000 = 13 OR "BOOKING_ID" % 5000 = 17`);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}
