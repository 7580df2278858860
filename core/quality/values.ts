/**
 * A value of a quality check's result row as plain JSON, the same from every warehouse: integers
 * beyond 2^53 (counts and sums) as decimal text, timestamps as ISO text, list elements as text
 * (sample keys), blobs as hex. Adapters first turn their client's wrappers into these plain types.
 */
export type QualityValue = number | string | boolean | null | QualityValue[];

export function toQualityValue(value: unknown): QualityValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) {
    return value.map((item) => {
      const v = toQualityValue(item);
      return v === null || typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  }
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
