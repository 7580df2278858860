import type { AccessPolicyDeclaration } from '../contracts/access-policy.js';

/**
 * Who reads which data products, and how each PII class reaches them. The classes come from the
 * contracts (every column declares one; derived qualified columns inherit theirs), so a new column
 * is covered the day it is declared. Checked against the contracts when the registry loads
 * (access-policy-checks.ts); enforced by the warehouses' secured views and policies.
 */

/** Products that carry no personal data: reference and commercial data every consumer may read. */
const referenceProducts = ['reference.reference_data', 'product.product_catalogue', 'pricing.price_book'];

export const accessPolicy = {
  roles: {
    admin: {
      description: 'Platform administrators: every product, every value clear (their queries are audited by the warehouse).',
      products: 'all',
      classes: { none: 'clear', contact: 'clear', identity: 'clear', financial: 'clear', sensitive: 'clear' },
    },
    engineer: {
      description: 'Data-platform engineers run the pipelines: every product to check the data\'s shape, no personal value in clear (names to their initial, dates to the year).',
      products: 'all',
      classes: { none: 'clear', contact: 'masked', identity: 'masked', financial: 'hidden', sensitive: 'hidden' },
    },
    callcentre: {
      description: 'Call-centre agents serve guests: customers, bookings, service cases, loyalty and consents; no payment instruments.',
      products: [
        'booking.bookings', 'customer.customer_profile', 'customer_service.service_cases', 'loyalty.loyalty_members',
        'marketing.marketing_permissions', ...referenceProducts,
      ],
      classes: { none: 'clear', contact: 'clear', identity: 'clear', financial: 'hidden', sensitive: 'hidden' },
    },
    analyst: {
      description: 'Analysts see every product with identities pseudonymised (joins still work), contacts masked, no financial or sensitive value.',
      products: 'all',
      classes: { none: 'clear', contact: 'masked', identity: 'pseudonymised', financial: 'hidden', sensitive: 'hidden' },
    },
    agency: {
      description: 'A travel agency sees the bookings it sold and those bookings\' customers, masked enough to recognise them (names to their initial, e-mail and phone partly, dates to the year), plus the catalogue and prices it sells from.',
      products: ['booking.bookings', 'customer.customer_profile', ...referenceProducts],
      // Masked, not clear: an agency needs to recognise its customer on a booking, not hold the full
      // record (the customer's profile is the tour operator's, and agencies are outside the company).
      classes: { none: 'clear', contact: 'masked', identity: 'masked', financial: 'hidden', sensitive: 'hidden' },
      rowFilters: [
        { table: 'booking.booking', kind: 'attribute', column: 'AGENCY_ID', description: 'The bookings the agency sold.' },
        { table: 'booking.booking_line', kind: 'reaches', column: 'BOOKING_ID', through: 'booking.booking.BOOKING_ID' },
        { table: 'booking.booking_guest', kind: 'reaches', column: 'BOOKING_ID', through: 'booking.booking.BOOKING_ID' },
        { table: 'customer.customer', kind: 'reaches', column: 'CUSTOMER_ID', through: 'booking.booking.CUSTOMER_ID', description: 'The lead bookers of its bookings.' },
        { table: 'customer.customer_address', kind: 'reaches', column: 'CUSTOMER_ID', through: 'customer.customer.CUSTOMER_ID' },
        { table: 'customer.customer_contact', kind: 'reaches', column: 'CUSTOMER_ID', through: 'customer.customer.CUSTOMER_ID' },
        { table: 'customer.customer_preference', kind: 'reaches', column: 'CUSTOMER_ID', through: 'customer.customer.CUSTOMER_ID' },
      ],
      unfiltered: [
        'reference.currency', 'reference.country', 'reference.language', 'reference.exchange_rate', 'reference.resort',
        'product.product', 'product.room_type', 'product.meal_plan', 'product.activity',
        'pricing.price_list', 'pricing.rate', 'pricing.season', 'pricing.promotion',
      ],
    },
  },
  stewards: { elsewhere: 'analyst' },
  maskStyles: [
    { column: 'customer.customer_contact.CONTACT_VALUE', style: 'email_or_phone' },
    { column: 'customer_service.call_log.CALLER_NUMBER', style: 'phone' },
    { column: 'distribution.agency.CONTACT_EMAIL', style: 'email' },
    { column: 'marketing.campaign_contact.EMAIL_ADDRESS', style: 'email' },
    { column: 'marketing.newsletter_subscription.EMAIL_ADDRESS', style: 'email' },
  ],
} satisfies AccessPolicyDeclaration;
