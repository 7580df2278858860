import { describe, expect, it } from 'vitest';
import { backfillPosition, comparePositions, db2Position, handoverDisposition, iidrPosition, parsePgLsn, pgPosition } from './position.js';

function pg(source: Record<string, unknown>, op = 'u'): string {
  const result = pgPosition({ snapshot: 'false', ...source }, op);
  if (!result.ok) throw new Error(result.reason);
  return result.position;
}

const stream = (lastCommit: number | null, lsn: number) => pg({ lsn, sequence: JSON.stringify([lastCommit === null ? null : String(lastCommit), String(lsn)]) });

describe('PostgreSQL positions', () => {
  it('encodes commit part, change part and phase as fixed-width hex', () => {
    expect(stream(0x1a2b3c4, 0x1a2b3d0)).toBe('pg:0000000001A2B3D0:0000000001A2B3D0:1');
    expect(stream(0x1a2b3f0, 0x1a2b3d0)).toBe('pg:0000000001A2B3F0:0000000001A2B3D0:1');
    expect(pg({ lsn: 0x1a2b3c4, snapshot: 'true', sequence: '[null,"27440068"]' }, 'r')).toBe('pg:0000000001A2B3C4:0000000000000000:0');
  });

  it('orders changes of one transaction by change LSN', () => {
    const a = stream(1000, 1100);
    const b = stream(1000, 1200);
    expect(comparePositions(a, b)).toBe(-1);
    expect(comparePositions(b, a)).toBe(1);
    expect(comparePositions(a, a)).toBe(0);
  });

  it('orders transactions by commit even when their changes interleave in the WAL', () => {
    // T1 wrote at 1500 and committed first (end 2000); T2 wrote earlier (1100) but committed later.
    const t1 = stream(1000, 1500);
    const t2 = stream(2000, 1100);
    expect(comparePositions(t1, t2)).toBe(-1);
    expect(t1 < t2).toBe(true);
  });

  it('puts snapshot rows below every change streamed after the snapshot LSN', () => {
    const snapshot = pg({ lsn: 5000, snapshot: 'last', sequence: '[null,"5000"]' }, 'r');
    expect(comparePositions(snapshot, stream(null, 5000))).toBe(-1);
    expect(comparePositions(snapshot, stream(5000, 5100))).toBe(-1);
    expect(comparePositions(snapshot, stream(5200, 4900))).toBe(-1);
    // A change streamed before a later incremental snapshot chunk sorts below it.
    const incremental = pg({ lsn: 9000, snapshot: 'incremental' }, 'r');
    expect(comparePositions(stream(8000, 8500), incremental)).toBe(-1);
  });

  it('uses the change LSN when the first streamed transaction has no last commit', () => {
    expect(stream(null, 0x10)).toBe('pg:0000000000000010:0000000000000010:1');
    expect(comparePositions(stream(null, 0x10), stream(0x20, 0x18))).toBe(-1);
  });

  it('compares as text exactly as comparePositions does across digit-count boundaries', () => {
    const positions = [stream(0xf, 0xf), stream(0x10, 0x10), stream(0xffffffff, 0xffffffff), stream(0x100000000, 0x100000000)];
    expect([...positions].reverse().sort()).toEqual(positions);
  });

  it('fails clearly on missing or inconsistent source fields', () => {
    expect(pgPosition({ snapshot: 'false' }, 'u')).toEqual({ ok: false, reason: 'source.lsn is missing or not an LSN (got nothing)' });
    expect(pgPosition({ lsn: 10, sequence: '["5","11"]' }, 'u')).toEqual({ ok: false, reason: 'source.sequence is not ["<last commit lsn>","<lsn 10>"] (got "[\\"5\\",\\"11\\"]")' });
    expect(pgPosition({ lsn: 10, sequence: 'garbage' }, 'u').ok).toBe(false);
  });
});

describe('backfill handover', () => {
  it('parses pg_current_wal_lsn() text into the same encoding', () => {
    expect(parsePgLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parsePgLsn('1/198CB4D0')).toBe(0x1198cb4d0n);
    expect(parsePgLsn('16B3748')).toBeUndefined();
    expect(backfillPosition('pg', '0/16B3748')).toEqual({ ok: true, position: 'pg:00000000016B3748:0000000000000000:0' });
    expect(backfillPosition('pg', 'nope')).toEqual({ ok: false, reason: "backfill position 'nope' is not a PostgreSQL LSN like 0/16B3748" });
  });

  it('marks events at or before the backfill position as possibly in the backfill, later ones as after it', () => {
    const b = backfillPosition('pg', '0/16B3748');
    if (!b.ok) throw new Error(b.reason);
    expect(handoverDisposition(stream(0x16b3700, 0x16b3740), b.position)).toBe('may-be-in-backfill');
    expect(handoverDisposition(stream(0x16b3748, 0x16b3748), b.position)).toBe('after-backfill');
    expect(handoverDisposition(stream(0x16b3800, 0x16b3900), b.position)).toBe('after-backfill');
  });

  it('refuses Db2 backfill positions without an LSN', () => {
    expect(backfillPosition('db2', 'lsn=4096;ts=2024-01-01-00.00.00.000000')).toEqual({ ok: true, position: `db2:${'0'.repeat(28)}1000:${'0'.repeat(32)}:00000000` });
    expect(backfillPosition('db2', 'ts=2024-01-01-00.00.00.000000').ok).toBe(false);
  });
});

describe('Db2 and IIDR positions', () => {
  it('orders Db2 events by commit LSN, then change LSN, then event serial; snapshot first', () => {
    const p = (source: Record<string, unknown>, op = 'u') => {
      const r = db2Position(source, op);
      if (!r.ok) throw new Error(r.reason);
      return r.position;
    };
    const snapshot = p({ commit_lsn: '00000025:00000d98:0005', snapshot: 'true' }, 'r');
    const a = p({ commit_lsn: '00000025:00000d98:0005', change_lsn: '00000025:00000d90:0002' });
    const b = p({ commit_lsn: '00000025:00000d98:0005', change_lsn: '00000025:00000d90:0002', event_serial_no: 2 });
    const c = p({ commit_lsn: '00000026:00000001:0001', change_lsn: '00000025:00000a00:0001' });
    expect([c, b, a, snapshot].sort()).toEqual([snapshot, a, b, c]);
    expect(db2Position({ commit_lsn: 'zz' }, 'u').ok).toBe(false);
  });

  it('encodes IIDR journal sequences as fixed-width decimals that sort as numbers, refresh rows first', () => {
    expect(iidrPosition({ sequence: 12, phase: 1 })).toEqual({ ok: true, position: `iidr:${'12'.padStart(38, '0')}:1` });
    expect(iidrPosition({ sequence: -1, phase: 1 }).ok).toBe(false);
    expect(iidrPosition({ sequence: '1'.repeat(39), phase: 1 }).ok).toBe(false);
    const at = (sequence: string, phase: 0 | 1) => (iidrPosition({ sequence, phase }) as { position: string }).position;
    expect(comparePositions(at('9', 1), at('10', 1))).toBe(-1);
    expect(comparePositions(at('10', 0), at('10', 1))).toBe(-1);
    expect(comparePositions(at('10', 1), at('10', 1))).toBe(0);
  });

  it('refuses to compare positions of different sources', () => {
    expect(() => comparePositions(stream(1, 1), `iidr:${'0'.repeat(38)}:1`)).toThrow(/same source kind/);
  });
});
