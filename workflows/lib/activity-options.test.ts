import { describe, expect, it } from 'vitest';
import { nonRetryableErrorTypes } from '../../core/errors.js';
import { longChunk, shortIo } from './activity-options.js';

describe('activity option groups', () => {
  it('never retry an error of a permanent class', () => {
    for (const options of [shortIo, longChunk]) expect(options.retry?.nonRetryableErrorTypes).toEqual(nonRetryableErrorTypes);
    expect(nonRetryableErrorTypes).toEqual(expect.arrayContaining(['TableNotFoundError', 'UnsupportedColumnTypeError', 'MissingDriverError', 'UnsupportedSourceTypeError']));
  });
});
