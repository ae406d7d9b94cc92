/** Timestamps in the sources' own encodings. */

/** RFC 3339 with nanoseconds (Tetragon, Falco): the fraction below a millisecond comes from `ns`. */
export function isoNanos(ms: number, ns = 0): string {
  const whole = Math.floor(ms);
  const sub = Math.floor((ms - whole) * 1e6) + (ns % 1e6);
  const s = new Date(whole).toISOString();
  return `${s.slice(0, 23)}${String(sub % 1e6).padStart(6, '0')}Z`;
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
