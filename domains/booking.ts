import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from './contract.js';

/**
 * The reservations: the heart of the DB2 system and its largest tables (booking and booking_line
 * hold the bulk of the rows; the demo seed scales them to millions).
 */
export const bookingDomain = {
  name: 'booking',
  description: 'Reservations: the booking header, its lines (stays, activities, extras), the travelling guests and the status history.',
  dpo: { id: 'dpo.booking', name: 'Marit Solvang', email: 'dpo.booking@example.org' },
  deputies: [
    { id: 'deputy.booking.1', name: 'Dario Castellucci' },
    { id: 'deputy.booking.2', name: 'Ysolde Brannigan' },
  ],
  approval: { reminderHours: 8, escalationHours: 48, expiryDays: 7, autoApproveNonBreaking: false },
  tables: [
    {
      name: 'booking',
      description: 'Booking header: who booked, through which channel, for which resort and dates, and the total.',
      source: { system: 'db2', schema: 'BOOK', table: 'BOOKING' },
      primaryKey: ['BOOKING_ID'],
      columns: [
        { name: 'BOOKING_ID', type: 'BIGINT' },
        { name: 'BOOKING_REF', type: 'CHAR(10)', description: 'Reference printed on confirmations, e.g. ALPS4K7Q2M.' },
        { name: 'CUSTOMER_ID', type: 'BIGINT', references: 'customer.customer.CUSTOMER_ID', description: 'The lead booker.' },
        { name: 'CHANNEL_CODE', type: 'CHAR(3)', references: 'distribution.channel.CHANNEL_CODE' },
        { name: 'AGENCY_ID', type: 'INTEGER', nullable: true, references: 'distribution.agency.AGENCY_ID', description: 'Set for agency bookings only.' },
        { name: 'RESORT_CODE', type: 'CHAR(4)', references: 'reference.resort.RESORT_CODE' },
        { name: 'BOOK_DATE_NUM', type: 'DECIMAL(8,0)', encoding: 'yyyymmdd', description: 'Legacy numeric booking date.' },
        { name: 'ARRIVAL_DATE', type: 'DATE' },
        { name: 'DEPARTURE_DATE', type: 'DATE' },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'O option, C confirmed, X cancelled, T travelled.' },
        { name: 'CURRENCY_CODE', type: 'CHAR(3)', references: 'reference.currency.CURRENCY_CODE' },
        { name: 'TOTAL_AMOUNT', type: 'DECIMAL(13,2)', description: 'Sum of the line amounts, in the booking currency.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'booking_line',
      description: 'One sold item of a booking: a stay, an activity, a transfer or an extra, with its price.',
      source: { system: 'db2', schema: 'BOOK', table: 'BOOKING_LINE' },
      primaryKey: ['BOOKING_ID', 'LINE_NO'],
      columns: [
        { name: 'BOOKING_ID', type: 'BIGINT', references: 'booking.booking.BOOKING_ID' },
        { name: 'LINE_NO', type: 'SMALLINT', description: 'Running number within the booking, from 1.' },
        { name: 'PRODUCT_ID', type: 'INTEGER', references: 'product.product.PRODUCT_ID' },
        { name: 'SERVICE_FROM_DATE', type: 'DATE' },
        { name: 'SERVICE_TO_DATE', type: 'DATE' },
        { name: 'QUANTITY', type: 'SMALLINT' },
        { name: 'UNIT_PRICE', type: 'DECIMAL(11,2)' },
        { name: 'DISCOUNT_AMOUNT', type: 'DECIMAL(11,2)' },
        { name: 'LINE_AMOUNT', type: 'DECIMAL(13,2)', description: 'QUANTITY × UNIT_PRICE − DISCOUNT_AMOUNT.' },
        { name: 'PROMOTION_ID', type: 'INTEGER', nullable: true, references: 'pricing.promotion.PROMOTION_ID' },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'C confirmed, X cancelled.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'booking_guest',
      description: 'The people travelling on a booking; a guest may or may not be a known customer.',
      source: { system: 'db2', schema: 'BOOK', table: 'BOOKING_GUEST' },
      primaryKey: ['BOOKING_ID', 'GUEST_SEQ'],
      columns: [
        { name: 'BOOKING_ID', type: 'BIGINT', references: 'booking.booking.BOOKING_ID' },
        { name: 'GUEST_SEQ', type: 'SMALLINT' },
        { name: 'CUSTOMER_ID', type: 'BIGINT', nullable: true, references: 'customer.customer.CUSTOMER_ID' },
        { name: 'FIRST_NAME', type: 'VARCHAR(60)', pii: 'identity' },
        { name: 'LAST_NAME', type: 'VARCHAR(80)', pii: 'identity' },
        { name: 'BIRTH_DATE_NUM', type: 'DECIMAL(8,0)', nullable: true, pii: 'identity', encoding: 'yyyymmdd', description: 'Needed for child prices.' },
        { name: 'GUEST_TYPE', type: 'CHAR(1)', description: 'A adult, C child, I infant.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'booking_status_history',
      description: 'Every status change of a booking, written by the booking transaction; never updated.',
      source: { system: 'db2', schema: 'BOOK', table: 'BOOKING_STAT_HIST' },
      primaryKey: ['BOOKING_ID', 'CHANGED_TS'],
      columns: [
        { name: 'BOOKING_ID', type: 'BIGINT', references: 'booking.booking.BOOKING_ID' },
        { name: 'CHANGED_TS', type: 'TIMESTAMP(6)' },
        { name: 'OLD_STATUS', type: 'CHAR(1)', nullable: true, description: 'Empty for the creation.' },
        { name: 'NEW_STATUS', type: 'CHAR(1)' },
        { name: 'CHANGED_BY', type: 'CHAR(8)', description: 'Operator or batch job id.' },
        { name: 'REASON_CODE', type: 'CHAR(4)', nullable: true },
      ],
    },
  ],
  products: [
    {
      name: 'bookings',
      description: 'Bookings with their lines and guests, current state, for analysts and the call centre.',
      tables: ['booking', 'booking_line', 'booking_guest'],
      consumers: ['analytics', 'call-centre'],
    },
    {
      name: 'booking_funnel',
      description: 'Status history of bookings by channel, for conversion and cancellation analysis.',
      tables: ['booking', 'booking_status_history', 'distribution.channel'],
      consumers: ['analytics'],
    },
  ],
} satisfies DomainDeclaration;
