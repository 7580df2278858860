import { describe, expect, it } from 'vitest';
import { backfillPosition, db2Position, handoverDisposition } from './position.js';

/**
 * The Db2 handover assumption (see backfillPosition), stated as tests. Unverified against a real Db2:
 * the layouts below are what IBM's and Debezium's documentation lead us to expect, not observed values.
 *
 *  - The backfill records B = MON_GET_TRANSACTION_LOG(-1).CURRENT_LSN, a 64-bit log sequence number.
 *  - Debezium's `commit_lsn` is the ASN capture's 16-byte commit sequence (IBMSNAP_COMMITSEQ), printed by
 *    its Lsn class as 8:8:16 hex digits ('00000001:0000a3f0:0000000000012c4d'). On Db2 LUW 10.1 and later
 *    we expect it to be a log record identifier whose 16 bytes hold the commit record's 64-bit LSN
 *    big-endian: after the 8-byte log flush sequence (LFS ‖ LSN), or alone in the low half.
 *
 * What the handover needs is one-sided: a change committed after B must compare after B, or the
 * backfilled row (position B) would win over it and the change would be lost. A change committed
 * before B may compare either way: applying it again is harmless, since the MERGE keeps per key the
 * highest position and that key's later changes follow it.
 */

const hex = (n: bigint, width: number) => n.toString(16).padStart(width, '0');
/** Debezium's Lsn.toString of 16 bytes: colons after the 4th and 8th byte. */
const debeziumLsn = (high: bigint, low: bigint) => {
  const h = hex(high, 16);
  return `${h.slice(0, 8)}:${h.slice(8)}:${hex(low, 16)}`;
};
const layouts = {
  /** The LRI of Db2 10.1+: log flush sequence, then LSN. */
  'LFS ‖ LSN': (lsn: bigint, lfs: bigint) => debeziumLsn(lfs, lsn),
  /** The LSN alone in the low 8 bytes (no flush sequence). */
  '0 ‖ LSN': (lsn: bigint) => debeziumLsn(0n, lsn),
  /** The LSN in the high 8 bytes, something else after it. */
  'LSN ‖ x': (lsn: bigint, other: bigint) => debeziumLsn(lsn, other),
};

function position(commitLsn: string, changeLsn = commitLsn): string {
  const r = db2Position({ commit_lsn: commitLsn, change_lsn: changeLsn }, 'u');
  if (!r.ok) throw new Error(r.reason);
  return r.position;
}

function backfill(currentLsn: bigint): string {
  const r = backfillPosition('db2', `lsn=${currentLsn};ts=2026-12-03-15.00.00.000000`);
  if (!r.ok) throw new Error(r.reason);
  return r.position;
}

/** A deterministic spread of 64-bit values (a linear congruential sequence): no randomness in tests. */
function* values(count: number, seed: bigint): Generator<bigint> {
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    yield x >> BigInt(i % 40);
  }
}

describe('Db2 handover: backfill position (MON_GET_TRANSACTION_LOG) against Debezium commit_lsn', () => {
  it('reads Debezium\'s Db2 LSN text (8:8:16 hex digits) as one 128-bit commit position', () => {
    const a = position('00000001:0000a3f0:0000000000012c4d');
    const b = position('00000001:0000a3f0:0000000000012c4e');
    const c = position('00000002:00000000:0000000000000001');
    expect([c, b, a].sort()).toEqual([a, b, c]);
  });

  for (const [name, layout] of Object.entries(layouts)) {
    it(`puts every change committed after B after the backfill (${name})`, () => {
      const lsns = [...values(200, 17n)].map((v) => v >> 1n);
      for (const [i, b] of lsns.entries()) {
        const later = b + 1n + (lsns[(i + 1) % lsns.length]! % 1000n);
        const other = lsns[(i + 7) % lsns.length]!;
        expect(handoverDisposition(position(layout(later, other)), backfill(b)), `${name}: B=${b}, commit LSN ${later}`).toBe('after-backfill');
      }
    });
  }

  it('compares exactly when the commit sequence holds only the LSN', () => {
    expect(handoverDisposition(position(layouts['0 ‖ LSN'](4095n)), backfill(4096n))).toBe('may-be-in-backfill');
    expect(handoverDisposition(position(layouts['0 ‖ LSN'](4097n)), backfill(4096n))).toBe('after-backfill');
  });

  it('with a log flush sequence in front, also puts earlier changes after B: applied again, which is safe', () => {
    expect(handoverDisposition(position(layouts['LFS ‖ LSN'](4095n, 1n)), backfill(4096n))).toBe('after-backfill');
  });

  it('would lose changes if commit_lsn did not hold the LSN big-endian: the boundary of the assumption', () => {
    // The commit LSN 0x1001·2^40 written little-endian reads as 0x10010, far below B = 0x1000·2^40:
    // a change committed after B would sort before it, and lose to the backfilled row.
    const littleEndian = (lsn: bigint) => debeziumLsn(0n, BigInt(`0x${hex(lsn, 16).match(/../g)!.reverse().join('')}`));
    expect(handoverDisposition(position(littleEndian(0x1001n << 40n)), backfill(0x1000n << 40n))).toBe('may-be-in-backfill');
  });

  it('refuses a backfill position without an LSN (MON_GET_TRANSACTION_LOG refused: timestamp only)', () => {
    expect(backfillPosition('db2', 'ts=2026-12-03-15.00.00.000000')).toMatchObject({ ok: false });
  });
});
