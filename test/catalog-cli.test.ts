import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchHit, ShowProductResult } from '../connectors/catalog/port.js';
import { registry } from '../domains/index.js';
import { testCatalogDatabase } from './support/catalog.js';
import { testConfig } from './support/temporal.js';

/** `factory catalog …` as a user runs it (bin/factory.js in a child process), on a catalog database of this file's own. */

const run = promisify(execFile);
const db = testCatalogDatabase(testConfig().FACTORY_CATALOG_URL);

function factory(...args: string[]) {
  return run('node', ['bin/factory.js', 'catalog', ...args], { env: { ...process.env, FACTORY_CATALOG_URL: db.url }, cwd: new URL('..', import.meta.url).pathname });
}

describe('factory catalog', () => {
  beforeAll(async () => {
    // A fresh database gets every migration the repository holds, in order.
    const migrations = readdirSync(new URL('../connectors/catalog/migrations/', import.meta.url)).filter((f) => f.endsWith('.sql')).sort().map((f) => f.replace(/\.sql$/, ''));
    expect((await factory('migrate')).stdout).toBe(`applied ${migrations.join(', ')}\n`);
    const tables = registry.allTables().length;
    expect((await factory('sync')).stdout).toMatch(new RegExp(`^catalog holds 12 domains, \\d+ people, \\d+ products, ${tables} tables, .*\\n\\d+ rows written\\n$`));
    expect((await factory('sync')).stdout).toMatch(/\nalready in sync: nothing changed\n$/);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('search finds a table by a word in one of its columns\' descriptions, and says so', async () => {
    // 'allergies' is only in customer.customer_preference.DIETARY_NOTE's description (connectors/catalog/postgres.test.ts checks that premise).
    const { stdout } = await factory('search', 'allergies');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^kind\s+name\s+rank\s+matched$/);
    const tableLine = lines.slice(2).findIndex((l) => /^table\s+customer\.customer_preference\s/.test(l));
    expect(tableLine).toBeGreaterThanOrEqual(0);
    expect(tableLine).toBeLessThan(3);
    expect(lines[2 + tableLine]).toMatch(/column DIETARY_NOTE description$/);

    const hits = JSON.parse((await factory('search', 'allergies', '--json')).stdout) as SearchHit[];
    expect(hits).toContainEqual(expect.objectContaining({ kind: 'table', name: 'customer.customer_preference', matched: ['column DIETARY_NOTE description'] }));
  });

  it('show prints owner, schema with PII, quality, freshness and lineage of a product', async () => {
    const booking = registry.domain('booking');
    const { stdout } = await factory('show', 'booking.bookings');
    expect(stdout).toContain(`booking.bookings — ${booking.products.find((p) => p.name === 'bookings')!.description}\n`);
    expect(stdout).toContain(`owner: ${booking.dpo.name} (${booking.dpo.id}); deputies: ${booking.deputies.map((d) => `${d.name} (${d.id})`).join(', ')}\n`);
    expect(stdout).toMatch(/\nFIRST_NAME\s+VARCHAR\(60\)\s+identity\n/);
    expect(stdout).toContain('published: no version yet\nquality: no gate run recorded\nfreshness: last published never, last quality run never\n');
    expect(stdout).toContain('\nlineage:\n  db2:BOOK.BOOKING → raw_booking.booking\n');

    const json = JSON.parse((await factory('show', 'bookings', '--json')).stdout) as ShowProductResult;
    expect(json).toMatchObject({ domain: 'booking', product: 'bookings', pii: { 'booking.booking_guest.LAST_NAME': 'identity' } });
    await expect(factory('show', 'bookngs')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('unknown data product "bookngs": closest are booking.bookings') });
  });
});
