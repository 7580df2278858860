/**
 * JSON.parse that keeps integers beyond 2^53 exact by turning them into digit strings. Debezium writes
 * int64 values as bare JSON numbers: BIGINT keys past 2^53 and every NanoTimestamp (19 digits) would
 * otherwise be silently rounded. Decoders of integer-like fields accept such digit strings.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(/\d{16}/.test(text) ? quoteUnsafeIntegers(text) : text);
}

/**
 * Finds each run of 16+ digits (a native regex scan), skips it when it sits inside a string (the
 * quotes before it are counted with indexOf) or is part of a fraction or exponent, and quotes it
 * when a double cannot hold it exactly. Events carry few such runs (timestamps in µs/ns), so this
 * costs a fraction of a character-by-character scan.
 */
const longDigits = /-?\d{16,}/g;

function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copied = 0;
  let inString = false;
  let quote = text.indexOf('"');
  longDigits.lastIndex = 0;
  for (let m = longDigits.exec(text); m !== null; m = longDigits.exec(text)) {
    const start = m.index;
    while (quote !== -1 && quote < start) {
      if (!isEscaped(text, quote)) inString = !inString;
      quote = text.indexOf('"', quote + 1);
    }
    const end = start + m[0].length;
    // A run after '+' is an exponent's digits ('1e+…'); '-' is part of the match itself.
    if (inString || isNumberPart(text.charCodeAt(start - 1)) || text.charCodeAt(start - 1) === 0x2b || isNumberPart(text.charCodeAt(end))) continue;
    if (Number.isSafeInteger(Number(m[0]))) continue;
    out += `${text.slice(copied, start)}"${m[0]}"`;
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** A quote preceded by an odd number of backslashes is escaped. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
  return backslashes % 2 === 1;
}

/** Digits, '.', 'e' or 'E' next to a digit run make it part of a larger number literal. */
function isNumberPart(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45;
}
