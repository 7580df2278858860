/**
 * JSON.parse that keeps integers beyond 2^53 exact by turning them into digit strings. Debezium writes
 * int64 values as bare JSON numbers: BIGINT keys past 2^53 and every NanoTimestamp (19 digits) would
 * otherwise be silently rounded. Decoders of integer-like fields accept such digit strings.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(/\d{16}/.test(text) ? quoteUnsafeIntegers(text) : text);
}

function quoteUnsafeIntegers(text: string): string {
  const out: string[] = [];
  let copied = 0;
  let i = 0;
  const number = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string literal, honouring backslash escapes.
      i += 1;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i += 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      number.lastIndex = i;
      const m = number.exec(text);
      if (!m) { i += 1; continue; }
      const token = m[0];
      if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(Number(token))) {
        out.push(text.slice(copied, i), `"${token}"`);
        copied = i + token.length;
      }
      i += token.length;
    } else {
      i += 1;
    }
  }
  out.push(text.slice(copied));
  return out.join('');
}
