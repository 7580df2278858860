/**
 * Dates and timestamps as day / second numbers from 1930-01-01, formatted through lookup tables:
 * seeding writes tens of millions of them, and Date objects per value would dominate the run.
 */

const epochMs = Date.UTC(1930, 0, 1);
const dayCount = 366 * 115; // through 2044
export const daySeconds = 86_400;

const isoDays: string[] = [];
const compactDays: string[] = [];
for (let d = 0; d < dayCount; d++) {
  const iso = new Date(epochMs + d * daySeconds * 1000).toISOString().slice(0, 10);
  isoDays.push(iso);
  compactDays.push(iso.replace(/-/g, ''));
}

const clock: string[] = [];
for (let s = 0; s < daySeconds; s++) {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  clock.push(`${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s % 60 < 10 ? '0' : ''}${s % 60}`);
}

/** Day number of a calendar date (UTC). */
export function dayOf(year: number, month: number, day: number): number {
  return Math.round((Date.UTC(year, month - 1, day) - epochMs) / (daySeconds * 1000));
}

function checkDay(day: number): number {
  if (day < 0 || day >= dayCount) throw new RangeError(`day number ${day} is outside 1930-01-01..2044 — expected a demo date in range`);
  return day;
}

/** '2025-03-14' */
export const isoDate = (day: number): string => isoDays[checkDay(day)]!;
/** '20250314', the legacy DECIMAL(8,0) form. */
export const yyyymmdd = (day: number): string => compactDays[checkDay(day)]!;
/** 'HH:MM:SS' of a second of the day. */
export const clockTime = (second: number): string => clock[second]!;

const micros = (n: number, digits: number): string => String(n).padStart(6, '0').slice(0, digits);

/** '2025-03-14 09:26:53.589793' with `digits` fractional digits (0 = none). */
export function timestamp(second: number, micro: number, digits: number): string {
  const day = Math.floor(second / daySeconds);
  const text = `${isoDate(day)} ${clock[second - day * daySeconds]!}`;
  return digits > 0 ? `${text}.${micros(micro, digits)}` : text;
}
