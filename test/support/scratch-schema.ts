import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { sourceUrl } from './postgres.js';

/**
 * A schema of its own in the source database for the calling test file: created empty before its
 * tests (beforeAll), dropped after them (afterAll). `client` is connected to the source meanwhile.
 */
export function scratchSchema(name: string): { readonly client: pg.Client } {
  let client: pg.Client | undefined;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: sourceUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await client.query(`CREATE SCHEMA ${name}`);
  });
  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await client?.end();
  });
  return {
    get client(): pg.Client {
      if (!client) throw new Error(`scratch schema ${name}: the client is there only while the file's tests run`);
      return client;
    },
  };
}
