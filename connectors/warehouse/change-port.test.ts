import { describe, expect, it } from 'vitest';
import { StoredOffsets } from './change-port.js';

describe('StoredOffsets', () => {
  const stored = new StoredOffsets([
    { topic: 'booking.bookings', partition: 0, nextOffset: '120' },
    { topic: 'booking.bookings', partition: 1, nextOffset: '9007199254740993' },
  ]);

  it('covers a batch whose every partition is stored at or past its next offset', () => {
    expect(stored.covers([{ topic: 'booking.bookings', partition: 0, nextOffset: '120' }])).toBe(true);
    expect(stored.covers([{ topic: 'booking.bookings', partition: 0, nextOffset: '100' }, { topic: 'booking.bookings', partition: 1, nextOffset: '9007199254740993' }])).toBe(true);
  });

  it('does not cover a batch with one offset ahead, an unknown partition or no offsets', () => {
    expect(stored.covers([{ topic: 'booking.bookings', partition: 0, nextOffset: '100' }, { topic: 'booking.bookings', partition: 1, nextOffset: '9007199254740994' }])).toBe(false);
    expect(stored.covers([{ topic: 'booking.bookings', partition: 2, nextOffset: '1' }])).toBe(false);
    expect(stored.covers([{ topic: 'booking.guests', partition: 0, nextOffset: '1' }])).toBe(false);
    expect(stored.covers([])).toBe(false);
  });

  it('lists what it read, topic names with colons intact', () => {
    const named = new StoredOffsets([{ topic: 'a:b', partition: 3, nextOffset: '7' }]);
    expect(named.list()).toEqual([{ topic: 'a:b', partition: 3, nextOffset: '7' }]);
    expect(stored.list()).toContainEqual({ topic: 'booking.bookings', partition: 1, nextOffset: '9007199254740993' });
  });
});
