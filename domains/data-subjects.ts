import type { DataSubjectDeclaration } from '../contracts/data-subjects.js';

/**
 * The people an erasure request (GDPR art. 17) can name, and every table it reaches. Validated with
 * the domains (domains/index.ts): a column that references the customer, or a table erasure deletes,
 * and is not declared here stops every entry point with its domain, table and column.
 */
export const customerSubject = {
  name: 'customer',
  key: 'customer.customer.CUSTOMER_ID',
  approvingDomain: 'customer',
  reach: [
    { table: 'customer.customer', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'customer.customer_address', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'customer.customer_contact', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'customer.customer_document', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'customer.customer_preference', via: 'CUSTOMER_ID', action: 'delete' },
    // Deleted, not anonymised: CUSTOMER_ID is NOT NULL in the contract and booking's quality rules
    // require it, so a booking cannot be kept without its lead booker; the money side is kept below.
    { table: 'booking.booking', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'booking.booking_line', via: 'BOOKING_ID', action: 'delete' },
    { table: 'booking.booking_guest', via: 'BOOKING_ID', action: 'delete' },
    // The customer as a guest on someone else's booking: only that guest row goes.
    { table: 'booking.booking_guest', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'booking.booking_status_history', via: 'BOOKING_ID', action: 'delete' },
    { table: 'customer_service.service_case', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'customer_service.service_case', via: 'BOOKING_ID', action: 'delete' },
    { table: 'customer_service.case_note', via: 'CASE_ID', action: 'delete' },
    { table: 'customer_service.complaint', via: 'BOOKING_ID', action: 'delete' },
    { table: 'customer_service.survey_response', via: 'BOOKING_ID', action: 'delete' },
    { table: 'customer_service.call_log', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'marketing.consent', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'marketing.campaign_contact', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'marketing.newsletter_subscription', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'loyalty.membership', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'loyalty.points_transaction', via: 'MEMBER_ID', action: 'delete' },
    { table: 'loyalty.points_transaction', via: 'BOOKING_ID', action: 'delete' },
    { table: 'payment.direct_debit_mandate', via: 'CUSTOMER_ID', action: 'delete' },
    { table: 'payment.payment', via: 'BOOKING_ID', action: 'anonymise', reason: 'kept ten years for accounting' },
    // No PII column: the postings stay as they are, naming a booking that no longer exists here.
    { table: 'payment.ledger_entry', via: 'BOOKING_ID', action: 'anonymise', reason: 'kept ten years for accounting' },
    { table: 'transport.flight_reservation', via: 'BOOKING_ID', action: 'delete' },
    { table: 'transport.transfer', via: 'BOOKING_ID', action: 'delete' },
  ],
} satisfies DataSubjectDeclaration;

export const dataSubjectDeclarations: readonly DataSubjectDeclaration[] = [customerSubject];
