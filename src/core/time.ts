/** Time helpers: event time is parsed once at decode, kept as RFC 3339 text plus epoch ms. */

/** A source of "now"; injected everywhere so tests control time. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that returns what it is set to; for tests and replays. */
export function createManualClock(startMs: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = startMs;
  return {
    nowMs: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface EventTime {
  /** Epoch milliseconds, with the sub-millisecond part as a fraction. */
  readonly ms: number;
  /** RFC 3339 in UTC, keeping up to nanosecond precision. */
  readonly iso: string;
}

const DIGIT_0 = 48;

/** Reads `n` ASCII digits at `at`, or -1. */
function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = text.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses an RFC 3339 / ISO 8601 timestamp with up to nanoseconds (`T`, `t` or a space between
 * date and time; `Z` or a numeric offset; no zone is read as UTC, as some exporters write it).
 * Returns undefined for anything else, including impossible dates, so callers can report a clear
 * error. Hand-written because it runs once per event: a regex plus `Date` formatting cost several
 * times a whole `JSON.parse` of the record.
 */
export function parseTime(text: string): EventTime | undefined {
  if (text.length < 19) return undefined;
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const sec = digits(text, 17, 2);
  const sep = text.charCodeAt(10);
  if (
    y < 0 || mo < 1 || mo > 12 || d < 1 || d > (DAYS_IN_MONTH[mo - 1] as number) || h > 23 || h < 0 || mi < 0 || mi > 59 || sec < 0 || sec > 60 ||
    text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 ||
    (sep !== 84 && sep !== 116 && sep !== 32)
  ) {
    return undefined;
  }
  let i = 19;
  let fracEnd = 19;
  let nanos = 0;
  if (text.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < text.length && i - start < 9) {
      const c = text.charCodeAt(i) - DIGIT_0;
      if (c < 0 || c > 9) break;
      nanos = nanos * 10 + c;
      i++;
    }
    if (i === start) return undefined;
    nanos *= 10 ** (9 - (i - start));
    fracEnd = i;
    while (fracEnd > start && text.charCodeAt(fracEnd - 1) === DIGIT_0) fracEnd--;
    if (fracEnd === start) fracEnd = 19; // an all-zero fraction says nothing: drop it
  }
  let offsetMs = 0;
  if (i < text.length) {
    const z = text.charCodeAt(i);
    if ((z === 90 || z === 122) && i === text.length - 1) {
      // UTC
    } else if ((z === 43 || z === 45) && (text.length - i === 6 || text.length - i === 5)) {
      const oh = digits(text, i + 1, 2);
      const om = digits(text, text.length - 2, 2);
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return undefined;
      offsetMs = (oh * 60 + om) * 60_000 * (z === 43 ? 1 : -1);
    } else {
      return undefined;
    }
  }
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return undefined;
  // Date.UTC reads years 0-99 as 1900-1999: build the date in year 2000, then set the year.
  const ms = (y >= 100 ? Date.UTC(y, mo - 1, d, h, mi, sec) : new Date(Date.UTC(2000, mo - 1, d, h, mi, sec)).setUTCFullYear(y)) - offsetMs;
  let iso: string;
  if (offsetMs === 0 && sep === 84 && sec < 60) {
    // Already UTC and canonical: reuse the text (only the fraction's trailing zeros go), the
    // very string when nothing goes (most agents write it so).
    if (fracEnd === text.length - 1 && text.charCodeAt(fracEnd) === 90) iso = text;
    else iso = fracEnd === 19 ? `${text.slice(0, 19)}Z` : `${text.slice(0, fracEnd)}Z`;
  } else {
    const base = new Date(ms).toISOString().slice(0, 19);
    iso = fracEnd === 19 ? `${base}Z` : `${base}${text.slice(19, fracEnd)}Z`;
  }
  return { ms: ms + nanos / 1e6, iso };
}

/** Epoch nanoseconds (number or decimal string, as Falco and Tetragon write them) to an EventTime. */
export function timeFromNanos(nanos: number | string | bigint): EventTime | undefined {
  let big: bigint;
  try {
    big = typeof nanos === 'bigint' ? nanos : BigInt(typeof nanos === 'number' ? Math.trunc(nanos) : nanos);
  } catch {
    return undefined;
  }
  if (big < 0n) return undefined;
  const msWhole = Number(big / 1_000_000n);
  const rest = Number(big % 1_000_000n);
  if (!Number.isFinite(msWhole) || msWhole > 253402300799999) return undefined;
  const secs = new Date(msWhole).toISOString().slice(0, 19);
  const frac = (BigInt(msWhole % 1000) * 1_000_000n + BigInt(rest)).toString().padStart(9, '0').replace(/0+$/, '');
  return { ms: msWhole + rest / 1e6, iso: frac === '' ? `${secs}Z` : `${secs}.${frac}Z` };
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90m`, `6h`, `2d`, `1h30m` → milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] as string] as number), 0);
}
