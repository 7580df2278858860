/**
 * JSON.parse that keeps integers beyond 2^53 exact by turning them into digit strings. Debezium writes
 * int64 values as bare JSON numbers: BIGINT keys past 2^53 and every NanoTimestamp (19 digits) would
 * otherwise be silently rounded. Decoders of integer-like fields accept such digit strings.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(/\d{16}/.test(text) ? quoteUnsafeIntegers(text) : text);
}

/**
 * Strings are matched whole (so digits inside them are left alone); a run of 16+ digits that is not
 * part of a fraction or exponent is an integer literal, quoted when a double cannot hold it exactly.
 * One native regular-expression pass: a JavaScript character loop cost several µs per event.
 */
const stringOrLongInteger = /"(?:[^"\\]|\\.)*"|(-?\d{16,})(?![.\deE])/g;

function quoteUnsafeIntegers(text: string): string {
  return text.replace(stringOrLongInteger, (match, digits: string | undefined) =>
    digits !== undefined && !Number.isSafeInteger(Number(digits)) ? `"${digits}"` : match);
}
