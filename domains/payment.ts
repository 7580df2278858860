import { createdTs, updatedTs } from './common-columns.js';
import type { DomainDeclaration } from '../contracts/contract.js';

/** Money in and out. Card numbers never reach DB2: only the payment service provider's token does. */
export const paymentDomain = {
  name: 'payment',
  description: 'Payments against bookings, refunds, direct-debit mandates and the ledger postings finance reconciles.',
  dpo: { id: 'dpo.payment', name: 'Benedikt Rautenberg', email: 'dpo.payment@example.org' },
  // The directory groups whose members may decide for the domain: roles come from the directory, not from this file.
  directoryGroups: { dpo: 'dpo-payment', deputies: 'deputy-payment' },
  deputies: [
    { id: 'deputy.payment.1', name: 'Farida Lamrani' },
    { id: 'deputy.payment.2', name: 'Quentin Aubervilliers' },
  ],
  tables: [
    {
      name: 'payment',
      description: 'A payment received for a booking (deposit, balance, on-site extras).',
      source: { system: 'db2', schema: 'PAYM', table: 'PAYMENT' },
      primaryKey: ['PAYMENT_ID'],
      columns: [
        { name: 'PAYMENT_ID', type: 'BIGINT' },
        { name: 'BOOKING_ID', type: 'BIGINT', references: 'booking.booking.BOOKING_ID' },
        { name: 'PAYMENT_METHOD', type: 'CHAR(2)', description: 'CC card, DD direct debit, BT bank transfer, VO voucher.' },
        { name: 'AMOUNT', type: 'DECIMAL(13,2)' },
        { name: 'CURRENCY_CODE', type: 'CHAR(3)', references: 'reference.currency.CURRENCY_CODE' },
        { name: 'PAYMENT_DATE_NUM', type: 'DECIMAL(8,0)', encoding: 'yyyymmdd' },
        { name: 'CARD_TOKEN', type: 'VARCHAR(64)', nullable: true, pii: 'financial', description: 'PSP token of the card; never a card number.' },
        { name: 'PSP_REFERENCE', type: 'VARCHAR(40)', nullable: true },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'P pending, S settled, F failed, R refunded.' },
        createdTs,
        updatedTs,
      ],
      businessRules: [
        { id: 'payment_codes_trimmed', kind: 'trim', columns: ['PAYMENT_METHOD', 'CURRENCY_CODE', 'STATUS_CODE'] },
        { id: 'payment_date', kind: 'yyyymmdd_date', column: 'PAYMENT_DATE_NUM', output: 'PAYMENT_DATE' },
        { id: 'payment_method_label', kind: 'lookup', column: 'PAYMENT_METHOD', output: 'PAYMENT_METHOD_LABEL', values: { CC: 'card', DD: 'direct debit', BT: 'bank transfer', VO: 'voucher' }, default: 'UNKNOWN' },
        { id: 'payment_status_label', kind: 'lookup', column: 'STATUS_CODE', output: 'STATUS_LABEL', values: { P: 'pending', S: 'settled', F: 'failed', R: 'refunded' }, default: 'UNKNOWN' },
        { id: 'payment_amount_eur', kind: 'currency', amount: 'AMOUNT', currency: 'CURRENCY_CODE', date: 'PAYMENT_DATE_NUM', output: 'AMOUNT_EUR', description: 'At the rate of the payment day.' },
      ],
    },
    {
      name: 'refund',
      description: 'Money returned against a payment (cancellation, compensation).',
      source: { system: 'db2', schema: 'PAYM', table: 'REFUND' },
      primaryKey: ['REFUND_ID'],
      columns: [
        { name: 'REFUND_ID', type: 'BIGINT' },
        { name: 'PAYMENT_ID', type: 'BIGINT', references: 'payment.payment.PAYMENT_ID' },
        { name: 'AMOUNT', type: 'DECIMAL(13,2)' },
        { name: 'REASON_CODE', type: 'CHAR(4)' },
        { name: 'REFUND_TS', type: 'TIMESTAMP(6)', nullable: true, description: 'Set once the PSP confirms.' },
        { name: 'STATUS_CODE', type: 'CHAR(1)' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'direct_debit_mandate',
      description: 'SEPA direct-debit mandates signed by customers for instalment payments.',
      source: { system: 'db2', schema: 'PAYM', table: 'DD_MANDATE' },
      primaryKey: ['MANDATE_ID'],
      // Bank details: the change log keeps them no longer than a month.
      retention: { changeLogDays: 30 },
      columns: [
        { name: 'MANDATE_ID', type: 'BIGINT' },
        { name: 'CUSTOMER_ID', type: 'BIGINT', references: 'customer.customer.CUSTOMER_ID' },
        { name: 'MANDATE_REF', type: 'VARCHAR(35)' },
        { name: 'IBAN', type: 'VARCHAR(34)', pii: 'financial' },
        { name: 'BIC', type: 'CHAR(11)', nullable: true, pii: 'financial' },
        { name: 'ACCOUNT_HOLDER', type: 'VARCHAR(100)', pii: 'identity' },
        { name: 'SIGNED_DATE', type: 'DATE' },
        { name: 'STATUS_CODE', type: 'CHAR(1)', description: 'A active, R revoked, E expired.' },
        createdTs,
        updatedTs,
      ],
    },
    {
      name: 'ledger_entry',
      description: 'Postings to the general ledger from bookings and payments, in transaction and reporting currency.',
      source: { system: 'db2', schema: 'PAYM', table: 'LEDGER_ENTRY' },
      primaryKey: ['ENTRY_ID'],
      columns: [
        { name: 'ENTRY_ID', type: 'BIGINT' },
        { name: 'ACCOUNT_CODE', type: 'CHAR(8)' },
        { name: 'BOOKING_ID', type: 'BIGINT', nullable: true, references: 'booking.booking.BOOKING_ID' },
        { name: 'PAYMENT_ID', type: 'BIGINT', nullable: true, references: 'payment.payment.PAYMENT_ID' },
        { name: 'POSTING_DATE', type: 'DATE' },
        { name: 'DEBIT_AMOUNT', type: 'DECIMAL(31,8)' },
        { name: 'CREDIT_AMOUNT', type: 'DECIMAL(31,8)' },
        { name: 'CURRENCY_CODE', type: 'CHAR(3)', references: 'reference.currency.CURRENCY_CODE' },
        { name: 'AMOUNT_EUR', type: 'DECIMAL(31,8)', description: 'Debit minus credit at the day’s rate to EUR.' },
        createdTs,
      ],
    },
  ],
  products: [
    {
      name: 'payments',
      description: 'Payments and refunds per booking, without card tokens or bank details, for the call centre and finance.',
      tables: ['payment', 'refund', 'booking.booking'],
      consumers: ['call-centre', 'finance'],
      // Customer-360: a guest's payments on the agent's screen.
      serving: 'realtime',
    },
    {
      name: 'revenue_ledger',
      description: 'Ledger postings with exchange rates, for revenue reporting and audit.',
      tables: ['ledger_entry', 'reference.exchange_rate'],
      consumers: ['finance'],
      // Revenue reports are audited against the ledger as published at the time: keep a year and a month.
      retention: { supersededSnapshotDays: 400 },
    },
  ],
} satisfies DomainDeclaration;
