import { describe, expect, it } from 'vitest';
import { tableSchema, type TableContract } from '../../contracts/contract.js';
import { productLineage, tableLineage } from './lineage.js';

const table: TableContract = tableSchema.parse({
  name: 'booking',
  description: 'Booking header.',
  source: { system: 'db2', schema: 'BOOK', table: 'BOOKING' },
  primaryKey: ['BOOKING_ID'],
  columns: [
    { name: 'BOOKING_ID', type: 'BIGINT' },
    { name: 'STATUS_CODE', type: 'CHAR(1)' },
    { name: 'CHANNEL_CODE', type: 'CHAR(3)' },
    { name: 'BOOK_DATE_NUM', type: 'DECIMAL(8,0)', encoding: 'yyyymmdd' },
    { name: 'CURRENCY_CODE', type: 'CHAR(3)' },
    { name: 'TOTAL_AMOUNT', type: 'DECIMAL(13,2)' },
  ],
  businessRules: [
    { id: 'codes_trimmed', kind: 'trim', columns: ['STATUS_CODE', 'CHANNEL_CODE'] },
    { id: 'book_date', kind: 'yyyymmdd_date', column: 'BOOK_DATE_NUM', output: 'BOOK_DATE' },
    { id: 'status_label', kind: 'lookup', column: 'STATUS_CODE', output: 'STATUS_LABEL', values: { C: 'confirmed', X: 'cancelled' } },
    { id: 'channel_name', kind: 'lookup', column: 'CHANNEL_CODE', output: 'CHANNEL_NAME', from: 'distribution.channel', key: 'CHANNEL_CODE', label: 'CHANNEL_NAME' },
    { id: 'total_eur', kind: 'currency', amount: 'TOTAL_AMOUNT', currency: 'CURRENCY_CODE', date: 'BOOK_DATE_NUM', output: 'TOTAL_EUR' },
  ],
});

describe('static lineage from a contract', () => {
  it('maps plain one-column rules column to column and joins table to table', () => {
    const owned = { domain: 'booking', ownerTable: 'booking', ownerProduct: null };
    expect(tableLineage('booking', table)).toEqual([
      { from: 'db2:BOOK.BOOKING', to: 'raw_booking.booking', kind: 'copy', columns: null, ...owned },
      {
        from: 'raw_booking.booking', to: 'qualified_booking.booking', kind: 'rules', ...owned,
        columns: [
          { from: 'STATUS_CODE', to: 'STATUS_CODE', rule: 'codes_trimmed' },
          { from: 'CHANNEL_CODE', to: 'CHANNEL_CODE', rule: 'codes_trimmed' },
          { from: 'BOOK_DATE_NUM', to: 'BOOK_DATE', rule: 'book_date' },
          { from: 'STATUS_CODE', to: 'STATUS_LABEL', rule: 'status_label' },
        ],
      },
      { from: 'qualified_distribution.channel', to: 'qualified_booking.booking', kind: 'lookup', columns: null, ...owned },
      { from: 'qualified_reference.exchange_rate', to: 'qualified_booking.booking', kind: 'currency', columns: null, ...owned },
    ]);
  });

  it('leads every product table, of its own domain or another, to the product', () => {
    expect(productLineage('booking', 'bookings', ['booking.booking', 'customer.customer']).map((e) => [e.from, e.to, e.ownerProduct])).toEqual([
      ['qualified_booking.booking', 'booking.bookings', 'bookings'],
      ['qualified_customer.customer', 'booking.bookings', 'bookings'],
    ]);
  });
});
