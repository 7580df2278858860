import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceUrl } from '../../test/support/postgres.js';
import { CompactingCopyOut, copyOut } from './copy-out.js';

const message = (code: string, content: Buffer | string = ''): Buffer => {
  const body = Buffer.from(content);
  const header = Buffer.alloc(5);
  header[0] = code.charCodeAt(0);
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};

/** Feeds the chunks to the reader as the socket would and records what it passes on and what pg reads after it. */
function read(chunks: Buffer[]): { rows: string; ended: boolean; handedBack: Buffer; detached: boolean } {
  const copy = new CompactingCopyOut('COPY x TO STDOUT');
  const internals = copy as unknown as { _detach(): void; _cleanup(): void; _buffer: { size: number; take(n: number): Buffer } };
  let handedBack = Buffer.alloc(0);
  let detached = false;
  internals._detach = () => {
    detached = true;
    handedBack = Buffer.from(internals._buffer.take(internals._buffer.size));
  };
  internals._cleanup = () => undefined;
  const out: Buffer[] = [];
  let ended = false;
  const push = copy.push.bind(copy);
  copy.push = (chunk: Buffer | null) => {
    if (chunk === null) ended = true;
    else out.push(Buffer.from(chunk));
    return push(chunk);
  };
  for (const chunk of chunks) {
    // Once detached, the socket's next chunks go to pg itself.
    if (detached) handedBack = Buffer.concat([handedBack, chunk]);
    else copy._parse(Buffer.from(chunk));
  }
  return { rows: Buffer.concat(out).toString(), ended, handedBack, detached };
}

describe('COPY TO reading, in place', () => {
  const rows = ['1,alpha,"say ""hi"""\n', '2,,\n', `3,${'x'.repeat(300)}\n`, '4,d,e\n'];
  const after = Buffer.concat([message('C', 'COPY 4\0'), message('Z', 'I')]);
  const stream = Buffer.concat([
    message('H', Buffer.from([0, 0, 3, 0, 0, 0, 0, 0, 0])),
    message('d', rows[0]!), message('d', rows[1]!),
    message('N', 'a notice between rows'),
    message('d', rows[2]!), message('d', rows[3]!),
    message('c'),
    after,
  ]);

  it('passes on the rows\' bytes only, whatever the socket\'s chunks, and hands what follows CopyDone back to pg', () => {
    for (let first = 0; first <= stream.length; first++) {
      for (const second of [first, first + 1, first + 3, first + 5, first + 7, stream.length]) {
        if (second > stream.length) continue;
        const chunks = [stream.subarray(0, first), stream.subarray(first, second), stream.subarray(second)].filter((c) => c.length > 0);
        const result = read(chunks);
        expect(result.rows, `split at ${first}, ${second}`).toBe(rows.join(''));
        expect(result.ended).toBe(true);
        expect(result.handedBack.equals(after), `split at ${first}, ${second}`).toBe(true);
      }
    }
  });

  it('hands an ErrorResponse and everything after it back to pg, at any split', () => {
    const error = Buffer.concat([message('E', 'SERROR\0Mdivision by zero\0\0'), message('Z', 'I')]);
    const failing = Buffer.concat([message('H', Buffer.from([0, 0, 1, 0, 0])), message('d', rows[0]!), error]);
    for (let split = 0; split <= failing.length; split++) {
      const result = read([failing.subarray(0, split), failing.subarray(split)].filter((c) => c.length > 0));
      expect(result.detached).toBe(true);
      expect(result.ended).toBe(false);
      expect(result.handedBack.equals(error), `split at ${split}`).toBe(true);
    }
  });
});

describe('COPY TO reading on PostgreSQL', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: sourceUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  const collect = async (sql: string, query: (sql: string) => NodeJS.ReadableStream & { rowCount: number }) => {
    const copy = client.query(query(sql) as never) as unknown as NodeJS.ReadableStream & { rowCount: number };
    const parts: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (b: Buffer) => parts.push(b));
    await pipeline(copy, sink);
    return { bytes: Buffer.concat(parts), rowCount: copy.rowCount };
  };

  it('gives the same bytes and row count as pg-copy-streams for 200,000 rows of mixed widths', async () => {
    const sql = `COPY (SELECT x, repeat(md5(x::text), x % 7), CASE WHEN x % 5 = 0 THEN NULL ELSE 'q"' || x END FROM generate_series(1, 200000) x) TO STDOUT WITH (FORMAT csv)`;
    const ours = await collect(sql, copyOut);
    const theirs = await collect(sql, copyStreams.to);
    expect(ours.rowCount).toBe(200_000);
    expect(theirs.rowCount).toBe(200_000);
    expect(ours.bytes.equals(theirs.bytes)).toBe(true);
  });

  it('fails with PostgreSQL\'s error when the query fails after rows were sent, and the connection goes on', async () => {
    const sql = 'COPY (SELECT 1 / (50000 - x) FROM generate_series(1, 100000) x) TO STDOUT';
    await expect(collect(sql, copyOut)).rejects.toThrow(/division by zero/);
    const { rows } = await client.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });
});
