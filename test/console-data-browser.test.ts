import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';
import { createServingReads } from '../connectors/serving-store/reads.js';
import { openServingStore, type ServingStore } from '../connectors/serving-store/store.js';
import { keyedHash } from '../core/keyed-hash.js';
import { registry } from '../domains/index.js';
import { accessContextOf } from '../domains/products.js';
import { servedTables } from '../domains/serving-checks.js';
import { accessible, hasChromium, launchChromium, noChromiumReason, shoot, signedIn as signInAs } from './support/browser.js';
import { testCatalogDatabase } from './support/catalog.js';
import { consoleUrl, testConsole } from './support/console.js';
import { identityEnv } from './support/identity.js';
import { createScratchDatabase } from './support/postgres.js';
import { pgPos, writeChunk, type Values } from './support/serving.js';
import { connectClient, testConfig } from './support/temporal.js';

/**
 * The console's data pages in a real Chromium against the declared contracts and access policy, on a
 * serving store seeded with the bookings of two agencies: people of the stack's directory sign in on
 * Keycloak's page; an agency user reads only its agency's bookings and customers, masked; an analyst
 * reads identities as the warehouse's stable pseudonym; a call-centre agent's customer-360 shows the
 * customer and refuses payments. axe-core checks each page; screenshots go to test-artifacts/console/.
 */

const key = new Uint8Array(Buffer.from('console-data-browser-pseudonyms!', 'utf8'));

const fixtures: Record<string, Values[]> = {
  'customer.customer': [
    { CUSTOMER_ID: '1', FIRST_NAME: 'Annika', LAST_NAME: 'Brenner', STATUS_CODE: 'A' },
    { CUSTOMER_ID: '2', FIRST_NAME: 'Bruno', LAST_NAME: 'Castell', STATUS_CODE: 'A' },
    { CUSTOMER_ID: '3', FIRST_NAME: 'Cecilia', LAST_NAME: 'Dorsey', STATUS_CODE: 'A' },
  ],
  'customer.customer_contact': [
    { CONTACT_ID: '10', CUSTOMER_ID: '1', CONTACT_TYPE: 'E', CONTACT_VALUE: 'annika.brenner@example.org', PREFERRED_FLAG: 'Y' },
    { CONTACT_ID: '11', CUSTOMER_ID: '1', CONTACT_TYPE: 'M', CONTACT_VALUE: '+41791234567', PREFERRED_FLAG: 'N' },
    { CONTACT_ID: '20', CUSTOMER_ID: '2', CONTACT_TYPE: 'E', CONTACT_VALUE: 'bruno.castell@example.net', PREFERRED_FLAG: 'Y' },
  ],
  // Agency 101 sold 100 and 101 (customers 1 and 3); agency 102 sold 102 and 103 (customer 2).
  'booking.booking': [
    { BOOKING_ID: '100', BOOKING_REF: 'ALPS000100', CUSTOMER_ID: '1', AGENCY_ID: '101', STATUS_CODE: 'C', ARRIVAL_DATE: '2026-07-01', TOTAL_AMOUNT: '1200.50' },
    { BOOKING_ID: '101', BOOKING_REF: 'ALPS000101', CUSTOMER_ID: '3', AGENCY_ID: '101', STATUS_CODE: 'C', ARRIVAL_DATE: '2026-08-01', TOTAL_AMOUNT: '800.00' },
    { BOOKING_ID: '102', BOOKING_REF: 'SUNW000102', CUSTOMER_ID: '2', AGENCY_ID: '102', STATUS_CODE: 'C', ARRIVAL_DATE: '2026-09-01', TOTAL_AMOUNT: '99.99' },
    { BOOKING_ID: '103', BOOKING_REF: 'SUNW000103', CUSTOMER_ID: '2', AGENCY_ID: '102', STATUS_CODE: 'O', ARRIVAL_DATE: '2026-10-01', TOTAL_AMOUNT: '450.00' },
  ],
  'payment.payment': [{ PAYMENT_ID: '500', BOOKING_ID: '100', PAYMENT_METHOD: 'CC', AMOUNT: '1200.50', CARD_TOKEN: 'tok_annika', STATUS_CODE: 'S' }],
  'marketing.consent': [{ CUSTOMER_ID: '1', PURPOSE_CODE: 'NEWS', GRANTED_FLAG: 'Y' }],
  'customer_service.service_case': [{ CASE_ID: '900', CUSTOMER_ID: '1', BOOKING_ID: '100', STATUS: 'open', OPENED_TS: '2026-06-01 10:00:00' }],
};

/** The data table on the page (console/ui.js rowsTable) as objects by column name. */
function tableRows(page: Page, within = 'main'): Promise<Array<Record<string, string>>> {
  return page.locator(within).locator('table.rows').first().evaluate((table) => {
    const names = [...table.querySelectorAll('thead th')].map((th) => th.textContent ?? '');
    return [...table.querySelectorAll('tbody tr')].map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [names[i]!, td.textContent ?? ''])));
  });
}

describe.skipIf(!hasChromium)(`console data pages in Chromium${noChromiumReason}`, () => {
  const base = testConfig();
  const catalogDb = testCatalogDatabase(base.FACTORY_CATALOG_URL);
  let scratch: { url: string; drop: () => Promise<void> };
  let dir: string;
  let store: ServingStore;
  let catalog: PostgresCatalogStore;
  let closeClient: () => Promise<void>;
  let app: FastifyInstance;
  let browser: Browser;
  const serverErrors: Array<Record<string, unknown>> = [];

  const signedIn = (user: string, startAt: string) => signInAs(browser, user, startAt);

  /** Opens a data page; the page is rendered at once, so its own heading means its own rows (not the previous page's). */
  async function openRows(page: Page, domain: string, product: string, table: string): Promise<void> {
    await page.goto(`${consoleUrl}/#/data/${domain}/${product}/${table}`);
    await page.getByRole('heading', { level: 1, name: `Rows of ${domain}.${table}`, exact: true }).waitFor();
  }

  const mainText = async (page: Page) => (await page.locator('main').textContent()) ?? '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-data-'));
    scratch = await createScratchDatabase(base.FACTORY_CATALOG_URL, `factory_it_console_data_${process.pid}`);
    store = await openServingStore({ url: scratch.url, served: servedTables(registry.domains), maxConnections: 4 });
    const position = pgPos(10, 0).replace(/:1$/, ':0');
    for (const [qualified, rows] of Object.entries(fixtures)) {
      const table = registry.table(qualified);
      const domain = qualified.split('.')[0]!;
      await store.loadChunk({ domain, table, file: writeChunk(dir, `${qualified}.csv`, table, rows), loadId: 'load1', sourcePosition: position });
      await store.finishLoad({ domain, table, loadId: 'load1', sourcePosition: position });
    }
    catalog = await openCatalogStore({ url: catalogDb.url });
    await catalog.syncContracts({ domains: registry.domains });
    const identity = identityEnv();
    // No decision is taken here: the console signs people in through the IdP whatever FACTORY_AUTH says.
    const config = base;
    const connected = await connectClient(config);
    closeClient = connected.close;
    app = await testConsole({
      catalog, temporal: connected.client, registry, config, identity, errors: serverErrors,
      serving: createServingReads({ store, access: accessContextOf(registry), pseudonymKey: key }),
    });
    await app.listen({ port: Number(new URL(consoleUrl).port), host: '127.0.0.1' }).catch((error: unknown) => {
      throw new Error(`the console must listen on ${consoleUrl} (the only redirect URI the stack's IdP registers for it): ${(error as Error).message}`);
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await closeClient?.();
    await catalog?.close();
    await catalogDb.drop();
    await store?.close();
    await scratch?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(serverErrors).toEqual([]);
  });

  it('an agency-101 user reads only agency 101\'s bookings, and their customers masked', async () => {
    const page = await signedIn('agency101.clara', '/#/product/booking/bookings');
    expect(await page.locator('#who').textContent()).toContain('agency:101');
    // From the product page to its rows, as a person would get there.
    await page.getByRole('link', { name: 'Browse rows of booking.booking', exact: true }).click();
    await page.getByRole('heading', { name: /^Rows 1–2 \(last page\), as role agency:101$/ }).waitFor();
    const bookings = await tableRows(page);
    expect(bookings.map((r) => [r.BOOKING_ID, r.AGENCY_ID])).toEqual([['100', '101'], ['101', '101']]);
    expect(await mainText(page)).not.toContain('SUNW');
    await accessible(page, 'agency bookings');
    await shoot(page, 'data-agency-bookings');

    await openRows(page, 'customer', 'customer_profile', 'customer');
    await page.getByRole('heading', { name: /^Rows 1–2 \(last page\), as role agency:101$/ }).waitFor();
    const customers = await tableRows(page);
    // Customers 1 and 3 booked through agency 101; customer 2 (agency 102's) is not there at all.
    expect(customers.map((r) => [r.CUSTOMER_ID, r.FIRST_NAME, r.LAST_NAME])).toEqual([['1', 'A***', 'B***'], ['3', 'C***', 'D***']]);
    expect(await mainText(page)).not.toMatch(/Annika|Brenner|Cecilia|Bruno/);
    await accessible(page, 'agency customers');
    await shoot(page, 'data-agency-customers');

    await openRows(page, 'customer', 'customer_profile', 'customer_contact');
    expect((await tableRows(page)).map((r) => r.CONTACT_VALUE)).toEqual(['a***@example.org', '**********67']);
    expect(await mainText(page)).not.toContain('annika.brenner@example.org');
    await shoot(page, 'data-agency-contacts');

    // Customer-360 as the agency: its own customer masked, agency 102's customer not visible.
    await page.goto(`${consoleUrl}/#/customer-360?id=1`);
    await page.locator('#rendered-as').waitFor();
    expect(await tableRows(page, '[data-section="customer"]')).toEqual([expect.objectContaining({ FIRST_NAME: 'A***', LAST_NAME: 'B***' })]);
    expect(await page.locator('[data-section="payments"]').textContent()).toContain('Refused: role agency:101 may not read product payment.payments');
    expect(await mainText(page)).not.toContain('Annika');
    await accessible(page, 'agency customer-360');
    await shoot(page, 'customer-360-agency');
    await page.goto(`${consoleUrl}/#/customer-360?id=2`);
    await page.getByText('No customer 2 is visible to you as agency:101').waitFor();
    // A table outside the agency's products is refused with the reason, not shown empty.
    await openRows(page, 'payment', 'payments', 'payment');
    await page.getByRole('alert').filter({ hasText: 'role agency:101 may not read product payment.payments' }).waitFor();
    await page.context().close();
  });

  it('an analyst reads identities as the warehouse\'s stable pseudonym, and may filter on clear columns only', async () => {
    const page = await signedIn('analyst.lucia', '/#/data/customer/customer_profile/customer');
    await page.getByRole('heading', { name: /^Rows 1–3 \(last page\), as role analyst$/ }).waitFor();
    await page.getByLabel('Column', { exact: true }).selectOption('CUSTOMER_ID');
    await page.getByLabel('Equals', { exact: true }).fill('1');
    await page.getByLabel('Equals', { exact: true }).press('Enter');
    await page.getByRole('heading', { name: /^Rows 1–1 \(last page\), as role analyst$/ }).waitFor();
    const pseudonym = keyedHash(key, 'Annika');
    expect(await tableRows(page)).toEqual([expect.objectContaining({ CUSTOMER_ID: '1', FIRST_NAME: pseudonym, LAST_NAME: keyedHash(key, 'Brenner') })]);
    expect(await mainText(page)).not.toMatch(/Annika|Brenner/);
    // NULLs and the parts a page leaves out (no role choice for a single role) print nothing, not "null".
    expect(await mainText(page)).not.toContain('null');
    await accessible(page, 'analyst customers');
    await shoot(page, 'data-analyst-customers');

    // The same pseudonym on customer-360: stable, so an analyst can join what they read.
    await page.getByRole('link', { name: 'Customer 360' }).click();
    await page.getByLabel('Customer id', { exact: true }).fill('1');
    await page.getByLabel('Customer id', { exact: true }).press('Enter');
    await page.locator('#rendered-as').waitFor();
    expect(await tableRows(page, '[data-section="customer"]')).toEqual([expect.objectContaining({ FIRST_NAME: pseudonym })]);
    await shoot(page, 'customer-360-analyst');

    // A filter on a pseudonymised column would reveal the clear value: refused, with the reason.
    await page.goto(`${consoleUrl}/#/data/customer/customer_profile/customer?filter=FIRST_NAME:Annika`);
    await page.getByRole('alert').filter({ hasText: 'filters are allowed on columns read in clear only' }).waitFor();
    await page.getByRole('link', { name: 'Clear all filters' }).click();
    await page.getByRole('heading', { name: /^Rows 1–3/ }).waitFor();
    await page.context().close();
  });

  it('a call-centre agent\'s customer-360 shows the customer and refuses payments', async () => {
    const page = await signedIn('agent.mila', '/#/customer-360');
    await page.getByRole('heading', { name: 'Customer 360', level: 1 }).waitFor();
    await accessible(page, 'customer-360 search');
    await page.getByLabel('Customer id', { exact: true }).fill('1');
    await page.getByRole('button', { name: 'Show customer' }).click();
    await page.locator('#rendered-as').waitFor();
    expect(await tableRows(page, '[data-section="customer"]')).toEqual([expect.objectContaining({ CUSTOMER_ID: '1', FIRST_NAME: 'Annika', LAST_NAME: 'Brenner' })]);
    expect((await tableRows(page, '[data-section="contacts"]')).map((r) => r.CONTACT_VALUE)).toEqual(['annika.brenner@example.org', '+41791234567']);
    expect((await tableRows(page, '[data-section="bookings"]')).map((r) => r.BOOKING_ID)).toEqual(['100']);
    expect((await tableRows(page, '[data-section="cases"]')).map((r) => r.CASE_ID)).toEqual(['900']);
    expect((await tableRows(page, '[data-section="consents"]')).map((r) => r.PURPOSE_CODE)).toEqual(['NEWS']);
    const payments = page.locator('[data-section="payments"]');
    expect(await payments.textContent()).toContain('Refused: role callcentre may not read product payment.payments');
    expect(await payments.locator('table').count()).toBe(0);
    expect(await mainText(page)).not.toContain('tok_annika');
    await accessible(page, 'customer-360');
    await shoot(page, 'customer-360-callcentre');
    await page.context().close();
  });
});
