import { describe, expect, it } from 'vitest';
import { formatIssue } from './errors.js';
import { registry } from './index.js';
import { checkServedProducts, servedTables } from './serving-checks.js';

describe('products served in real time', () => {
  it('are the ones customer-360 reads, their tables each once', () => {
    expect(servedTables(registry.domains)).toEqual([
      'customer.customer', 'customer.customer_address', 'customer.customer_contact', 'customer.customer_preference',
      'booking.booking', 'booking.booking_line', 'booking.booking_guest',
      'payment.payment', 'payment.refund',
      'marketing.consent', 'marketing.newsletter_subscription',
      'customer_service.service_case', 'customer_service.complaint', 'customer_service.call_log',
    ]);
  });

  it('refuse a table without a key, naming product and table', () => {
    // Every table needs a key today (checks.ts refuses one without); served products keep needing one if that ever relaxes.
    const reference = structuredClone(registry.domain('reference'));
    const table = reference.tables[0]!;
    delete table.primaryKey;
    delete table.uniqueKey;
    reference.products.push({ name: 'served_keyless', description: 'A served product over a table without a key.', tables: [table.name], consumers: [], serving: 'realtime' });
    expect(checkServedProducts([reference]).map(formatIssue)).toEqual([
      `domain "reference", product "served_keyless", field "tables[0]": "${table.name}" declares neither primaryKey nor uniqueKey — expected a key on every table of a product served in real time (the serving store applies each change to its key)`,
    ]);
    expect(checkServedProducts(registry.domains)).toEqual([]);
  });
});
