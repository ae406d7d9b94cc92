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

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Parses an RFC 3339 / ISO 8601 timestamp with up to nanoseconds. Returns undefined for anything
 * else (including out-of-range dates), so callers can report a clear error.
 */
export function parseTime(text: string): EventTime | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', z, sign, oh, om] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    return undefined;
  }
  if (z === undefined && sign !== undefined) {
    const offset = (Number(oh) * 60 + Number(om)) * 60_000;
    ms += sign === '+' ? -offset : offset;
  }
  const fracDigits = frac.padEnd(9, '0');
  const nanos = Number(fracDigits);
  const base = new Date(ms).toISOString().slice(0, 19);
  const iso = frac === '' ? `${base}Z` : `${base}.${frac.replace(/0+$/, '') || '0'}Z`;
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

/** Epoch milliseconds to RFC 3339 (millisecond precision). */
export function isoFromMs(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}
