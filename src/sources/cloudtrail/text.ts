/** Small helpers for readable, bounded reject messages. */

/** Bounded excerpt of a value for messages, so a huge field does not flood the error report. */
export function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

/** `a number`, `an array`, `an object`, `null`…: the JSON type of a value, with its article. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}
