/**
 * Safe readers for parsed JSON of unknown shape. Decoders use these instead of casts, so a field
 * of the wrong type reads as absent (or is reported) instead of throwing later.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/*
 * Value readers: the caller reads the member itself (`asText(o['binary'])`). On hot paths that
 * matters: every call site keeps its own inline cache for the member, whereas `str(o, key)`
 * shares one load for every key and object shape it is called with, which V8 can only serve
 * through its slow generic lookup.
 */

/** An object value, or undefined. */
export function asObject(v: unknown): JsonObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

/** A non-empty string value, or undefined. */
export function asText(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A number value; decimal strings count too, since 64-bit values arrive as strings (see `num`). */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v !== '' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** An array value (empty when it is not one). */
export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The member as an object, or undefined. */
export function obj(o: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = o?.[key];
  return isObject(v) ? v : undefined;
}

/** The member as a non-empty string, or undefined (numbers are not coerced). */
export function str(o: JsonObject | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The member as a number; decimal strings count too, since 64-bit values arrive as strings. */
export function num(o: JsonObject | undefined, key: string): number | undefined {
  const v = o?.[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v !== '' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** The member as an array (empty when absent or not an array). */
export function arr(o: JsonObject | undefined, key: string): readonly unknown[] {
  const v = o?.[key];
  return Array.isArray(v) ? v : [];
}

/** Follows a path of keys through nested objects. */
export function path(o: JsonObject | undefined, ...keys: string[]): unknown {
  let cur: unknown = o;
  for (const k of keys) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}
