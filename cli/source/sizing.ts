/**
 * How many rows each demo table gets at a given scale. Scale 1 = 400,000 bookings; booking_line has
 * 1–3 lines per booking (2 on average), so "booking rows" (booking + booking_line) are about
 * 1.2 million per unit of scale: `--scale 10` gives about 12 million (4M bookings, 8M lines).
 * Other tables follow the bookings with moderate ratios so a seed stays quick; code lists stay small.
 */

export const bookingsPerScale = 400_000;

export interface Volumes {
  scale: number;
  bookings: number;
  customers: number;
}

export interface SizeHint {
  /** Row count of a table whose key is its own (a surrogate id or a code). */
  rows?: (v: Volumes) => number;
  /** Rows per parent for a table keyed under a parent (first key column references it): [min, max]. */
  perGroup?: (v: Volumes) => [number, number];
  /** Share of parents that have any rows at all (e.g. only some bookings include flights). */
  share?: number;
}

export function volumes(scale: number): Volumes {
  const bookings = Math.max(1, Math.round(scale * bookingsPerScale));
  return { scale, bookings, customers: Math.max(1, Math.round(bookings / 3)) };
}

const fixed = (n: number) => () => n;
const byBookings = (ratio: number) => (v: Volumes) => Math.max(1, Math.round(v.bookings * ratio));
const byCustomers = (ratio: number) => (v: Volumes) => Math.max(1, Math.round(v.customers * ratio));
const each = (min: number, max: number) => (): [number, number] => [min, max];

export const sizeHints: Record<string, SizeHint> = {
  'reference.exchange_rate': { perGroup: each(365, 365) },
  'customer.customer': { rows: (v) => v.customers },
  'customer.customer_address': { perGroup: each(1, 2) },
  'customer.customer_contact': { rows: byCustomers(1.2) },
  'customer.customer_document': { rows: byCustomers(0.4) },
  'customer.customer_preference': { perGroup: each(1, 3), share: 0.2 },
  'product.room_type': { perGroup: each(3, 8) },
  'product.product': { rows: fixed(400) },
  'product.activity': { rows: fixed(150) },
  'pricing.season': { perGroup: each(4, 8) },
  'pricing.price_list': { rows: fixed(40) },
  'pricing.rate': { perGroup: each(100, 300) },
  'pricing.promotion': { rows: fixed(200) },
  'distribution.agency': { rows: fixed(2_000) },
  'distribution.agency_contract': { rows: fixed(3_000) },
  'inventory.room': { perGroup: each(80, 300) },
  // Three sure room types per resort (room_type has at least 3) times a year of nights.
  'inventory.room_inventory': { perGroup: each(3 * 365, 3 * 365) },
  'inventory.allotment': { rows: fixed(3_000) },
  'booking.booking': { rows: (v) => v.bookings },
  'booking.booking_line': { perGroup: each(1, 3) },
  'booking.booking_guest': { perGroup: each(1, 2) },
  'booking.booking_status_history': { perGroup: each(1, 2) },
  'transport.flight': { rows: fixed(20_000) },
  'transport.flight_reservation': { perGroup: each(1, 2), share: 0.15 },
  'transport.transfer': { rows: byBookings(0.15) },
  'payment.payment': { rows: byBookings(0.8) },
  'payment.refund': { rows: byBookings(0.03) },
  'payment.direct_debit_mandate': { rows: byCustomers(0.05) },
  'payment.ledger_entry': { rows: byBookings(0.2) },
  'loyalty.membership': { rows: byCustomers(0.25) },
  'loyalty.points_transaction': { rows: byBookings(0.1) },
  'loyalty.reward': { rows: fixed(100) },
  'marketing.consent': { perGroup: each(1, 4), share: 0.3 },
  'marketing.campaign': { rows: fixed(60) },
  'marketing.campaign_contact': { perGroup: (v) => [Math.max(1, Math.round(v.customers / 400)), Math.max(1, Math.round(v.customers / 100))] },
  'marketing.newsletter_subscription': { rows: byCustomers(0.15) },
  'customer_service.service_case': { rows: byBookings(0.03) },
  'customer_service.case_note': { rows: byBookings(0.06) },
  'customer_service.complaint': { rows: byBookings(0.01) },
  'customer_service.call_log': { rows: byBookings(0.05) },
  'customer_service.survey_response': { rows: byBookings(0.05) },
};

/** Tables no hint names: code tables get a few rows, others follow the bookings lightly. */
export const defaultRows = { codeTable: 20, dataPerBooking: 0.02 };
export const defaultPerGroup: [number, number] = [1, 3];
