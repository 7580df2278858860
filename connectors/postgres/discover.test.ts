import { describe, expect, it } from 'vitest';
import { sourceUrl } from '../../test/support/postgres.js';
import { scratchSchema } from '../../test/support/scratch-schema.js';
import { enforcesKey } from '../../activities/source/index.js';
import { createPostgresSource } from './source.js';

/** Which unique indexes discover reports: the backfill trusts them to keep the key unique. */

const schema = `src_keys_${process.pid}`;

describe('PostgreSQL source discovery of unique keys', () => {
  const scratch = scratchSchema(schema);

  it('leaves out a unique index a failed CREATE INDEX CONCURRENTLY left invalid, so the backfill still counts duplicate keys', async () => {
    await scratch.client.query(`CREATE TABLE ${schema}.stay ("CODE" varchar(8) NOT NULL, "ROOM" int NOT NULL)`);
    await scratch.client.query(`INSERT INTO ${schema}.stay VALUES ('A', 1), ('A', 2), ('B', 3)`);
    await scratch.client.query(`CREATE UNIQUE INDEX stay_room ON ${schema}.stay ("ROOM")`);
    // The duplicate 'A' makes the build fail; PostgreSQL keeps the index, marked invalid.
    await expect(scratch.client.query(`CREATE UNIQUE INDEX CONCURRENTLY stay_code ON ${schema}.stay ("CODE")`)).rejects.toThrow(/could not create unique index/);
    const { rows } = await scratch.client.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = '${schema}.stay_code'::regclass`);
    expect(rows).toEqual([{ indisvalid: false }]);

    const source = createPostgresSource({ url: sourceUrl, system: 'pg' });
    try {
      const discovered = await source.discover({ schema, table: 'stay' });
      expect(discovered.uniqueKeys).toEqual([['ROOM']]);
      expect(enforcesKey(['CODE'], discovered)).toBe(false);
      expect(enforcesKey(['ROOM'], discovered)).toBe(true);
    } finally {
      await source.close();
    }
  });
});
