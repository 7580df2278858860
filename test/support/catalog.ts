import { randomBytes } from 'node:crypto';
import { dropDatabase } from './postgres.js';

/**
 * A catalog database of a test's own on the stack's PostgreSQL (`factory_catalog_test_<random>`), so
 * tests never meet each other's rows nor the catalog of the running demo. The migrations create it;
 * `drop` removes it, connections and all.
 */
export function testCatalogDatabase(baseUrl: string): { name: string; url: string; drop: () => Promise<void> } {
  const name = `factory_catalog_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  return {
    name,
    url: url.toString(),
    drop: () => dropDatabase(admin.toString(), name),
  };
}

/** Words of a text as the tests compare them: lower case, letters only. */
export function wordsOf(text: string | undefined): Set<string> {
  return new Set((text ?? '').toLowerCase().match(/[a-z]+/g) ?? []);
}
