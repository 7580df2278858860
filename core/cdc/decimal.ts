/**
 * Exact decimal arithmetic on (unscaled BigInt, scale) pairs. Money columns go up to DECIMAL(31,8),
 * far past what a JS number holds exactly, so no value passes through a float here.
 */

export interface ScaledDecimal { unscaled: bigint; scale: number }

/** Kafka Connect Decimal bytes: big-endian two's complement. Empty input is 0 (Connect never sends it). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) n -= 1n << BigInt(bytes.length * 8);
  return n;
}

/** Plain decimal text ('12.50', '-0.05', '7'): optional sign, digits, optional fraction; no exponent. */
export function parseDecimalText(text: string): ScaledDecimal | undefined {
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) return undefined;
  const fraction = m[3] ?? '';
  const unscaled = BigInt(`${m[2] || '0'}${fraction}`);
  return { unscaled: m[1] === '-' ? -unscaled : unscaled, scale: fraction.length };
}

/**
 * The exact decimal value of a finite double's shortest round-trip text, or undefined when the double
 * cannot be trusted to carry a decimal exactly (more than 15 significant digits: only up to 15 does
 * every decimal survive the trip through a double and back).
 */
export function doubleToDecimal(n: number): ScaledDecimal | undefined {
  if (!Number.isFinite(n)) return undefined;
  const m = /^(-)?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!m) return undefined;
  const digits = `${m[2]}${m[3] ?? ''}`;
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  if (significant.length > 15) return undefined;
  let scale = (m[3] ?? '').length - Number(m[4] ?? '0');
  let unscaled = BigInt(digits);
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { unscaled: m[1] ? -unscaled : unscaled, scale };
}

/** The same value at another scale, or undefined when that would drop non-zero digits. */
export function rescale(value: ScaledDecimal, scale: number): bigint | undefined {
  if (scale >= value.scale) return value.unscaled * 10n ** BigInt(scale - value.scale);
  const factor = 10n ** BigInt(value.scale - scale);
  return value.unscaled % factor === 0n ? value.unscaled / factor : undefined;
}

export function digitCount(unscaled: bigint): number {
  return (unscaled < 0n ? -unscaled : unscaled).toString().length;
}

/** Plain text with exactly `scale` fraction digits: (-5n, 2) → '-0.05'. */
export function formatScaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let body = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  if (scale > 0) body = `${body.slice(0, -scale)}.${body.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

/** A finite double as plain decimal text (the shortest digits that read back to it, without an exponent). */
export function plainDecimalText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const m = /^(-)?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!m) return undefined;
  if (m[4] === undefined) return String(n);
  const digits = `${m[2]}${m[3] ?? ''}`;
  const point = m[2]!.length + Number(m[4]);
  const text = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? `${digits}${'0'.repeat(point - digits.length)}` : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${m[1] ?? ''}${text}`;
}
