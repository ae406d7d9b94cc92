/** Timestamps in the sources' own encodings. */

/** The nanoseconds within the second of `ms` (plus `ns` of jitter below the millisecond). */
function nanosOf(ms: number, ns: number): { whole: number; nanos: number } {
  const whole = Math.floor(ms);
  const sub = (Math.floor((ms - whole) * 1e6) + (ns % 1e6)) % 1e6;
  return { whole, nanos: (whole % 1000) * 1e6 + sub };
}

/**
 * RFC 3339 as Tetragon's JSON encoder (protobuf's) writes timestamps: 3, 6 or 9 fraction
 * digits, the fewest that are exact. `ns` adds jitter below the millisecond.
 */
export function isoNanos(ms: number, ns = 0): string {
  const at = nanosOf(ms, ns);
  const whole = at.whole;
  // Kernel clocks tick in nanoseconds: a time exact to the microsecond but not the millisecond
  // is a one-in-a-thousand accident that the real samples never show; keep nine digits there.
  const nanos = at.nanos % 1e6 !== 0 && at.nanos % 1e3 === 0 ? at.nanos + 1 : at.nanos;
  const base = new Date(whole).toISOString().slice(0, 19);
  const nine = String(nanos).padStart(9, '0');
  const frac = nanos === 0 ? '' : nanos % 1e6 === 0 ? `.${nine.slice(0, 3)}` : nanos % 1e3 === 0 ? `.${nine.slice(0, 6)}` : `.${nine}`;
  return `${base}${frac}Z`;
}

/** RFC 3339 with exactly nine fraction digits, as Falco writes its alert `time`. */
export function isoNanos9(ms: number, ns = 0): string {
  const { whole, nanos } = nanosOf(ms, ns);
  return `${new Date(whole).toISOString().slice(0, 19)}.${String(nanos).padStart(9, '0')}Z`;
}

/** RFC 3339 with microseconds (Kubernetes audit `requestReceivedTimestamp`). */
export function isoMicros(ms: number): string {
  const whole = Math.floor(ms);
  const us = Math.floor((ms - whole) * 1000);
  return `${new Date(whole).toISOString().slice(0, 23)}${String(us).padStart(3, '0')}Z`;
}

/** RFC 3339 to the second (CloudTrail `eventTime`). */
export function isoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms)).toISOString().slice(0, 19)}Z`;
}
