import type { DomainDeclaration } from '../../contracts/contract.js';

/**
 * Small, valid declarations for tests: a customer domain and a booking domain that references it.
 * Each call returns fresh objects, so a test can break one field without affecting the next test.
 */
export function fixtureDeclarations(): { customer: DomainDeclaration; booking: DomainDeclaration } {
  const customer: DomainDeclaration = {
    name: 'customer',
    description: 'Guests.',
    dpo: { id: 'dpo.customer', name: 'Test Owner' },
    deputies: [{ id: 'deputy.customer.1', name: 'Test Deputy' }],
    tables: [
      {
        name: 'customer',
        description: 'One row per guest.',
        source: { system: 'db2', schema: 'CUST', table: 'CUSTOMER' },
        primaryKey: ['CUSTOMER_ID'],
        columns: [
          { name: 'CUSTOMER_ID', type: 'BIGINT' },
          { name: 'LAST_NAME', type: 'VARCHAR(80)', pii: 'identity' },
          { name: 'EMAIL', type: 'VARCHAR(254)', nullable: true, pii: 'contact' },
          { name: 'BIRTH_DATE_NUM', type: 'DECIMAL(8,0)', nullable: true, pii: 'identity', encoding: 'yyyymmdd' },
          { name: 'UPDATED_TS', type: 'TIMESTAMP(6)' },
        ],
      },
    ],
    products: [{ name: 'customer_profile', description: 'Profiles.', tables: ['customer'] }],
  };
  const booking: DomainDeclaration = {
    name: 'booking',
    description: 'Reservations.',
    dpo: { id: 'dpo.booking', name: 'Test Owner' },
    tables: [
      {
        name: 'booking',
        description: 'Booking header.',
        source: { system: 'db2', schema: 'BOOK', table: 'BOOKING' },
        primaryKey: ['BOOKING_ID'],
        columns: [
          { name: 'BOOKING_ID', type: 'BIGINT' },
          { name: 'CUSTOMER_ID', type: 'BIGINT', references: 'customer.customer.CUSTOMER_ID' },
          { name: 'BOOK_DATE_NUM', type: 'DECIMAL(8,0)', encoding: 'yyyymmdd' },
          { name: 'TOTAL_AMOUNT', type: 'DECIMAL(13,2)' },
          { name: 'UPDATED_TS', type: 'TIMESTAMP(6)' },
        ],
      },
      {
        name: 'booking_line',
        description: 'Booking lines.',
        source: { system: 'db2', schema: 'BOOK', table: 'BOOKING_LINE' },
        primaryKey: ['BOOKING_ID', 'LINE_NUMBER'],
        columns: [
          { name: 'BOOKING_ID', type: 'BIGINT', references: 'booking.booking.BOOKING_ID' },
          { name: 'LINE_NUMBER', type: 'SMALLINT' },
          { name: 'PRODUCT_ID', type: 'INTEGER' },
          { name: 'LINE_AMOUNT', type: 'DECIMAL(13,2)' },
          { name: 'UPDATED_TS', type: 'TIMESTAMP(6)' },
        ],
      },
    ],
    products: [{ name: 'bookings', description: 'Bookings.', tables: ['booking', 'booking_line', 'customer.customer'] }],
  };
  return { customer, booking };
}
