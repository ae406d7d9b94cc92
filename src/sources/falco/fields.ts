/**
 * Readers for Falco `output_fields`. Values there are typed by the field: strings, JSON numbers
 * (`proc.pid`, `user.uid`), arrays for list fields (`ka.req.pod.containers.image`) and `null`
 * for a field the event did not have. Older Falco and hand-written alerts may also carry the
 * text forms of "missing" (`<NA>`, `N/A`), which must never become entity ids.
 */
import type { JsonObject } from '../../core/json.js';

/** The sentinel strings libsinsp prints for a missing value. */
function isMissing(s: string): boolean {
  return s === '' || s === '<NA>' || s === 'N/A';
}

/** A present, non-sentinel string field. Numbers are not coerced (names are never numbers). */
export function fieldStr(fields: JsonObject | undefined, key: string): string | undefined {
  const v = fields?.[key];
  return typeof v === 'string' && !isMissing(v) ? v : undefined;
}

/**
 * A field used as an identifier (pid, uid): integer JSON numbers are written out in decimal,
 * strings are taken as they are. Falco's "unset" ids are -1 (`user.loginuid`), dropped here.
 */
export function fieldId(fields: JsonObject | undefined, key: string): string | undefined {
  const v = fields?.[key];
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined;
  return typeof v === 'string' && !isMissing(v) ? v : undefined;
}

/**
 * A list field as its string items: arrays keep their string members, a single string counts as
 * a one-item list (plugins print one value where the rule author expected many).
 */
export function fieldList(fields: JsonObject | undefined, key: string): string[] {
  const v = fields?.[key];
  if (typeof v === 'string') return isMissing(v) ? [] : [v];
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const item of v) if (typeof item === 'string' && !isMissing(item)) out.push(item);
  return out;
}

/** The last path segment (`/usr/bin/curl` → `curl`); the input itself when it has no slash. */
export function baseName(p: string): string {
  const cut = p.lastIndexOf('/');
  return cut >= 0 && cut < p.length - 1 ? p.slice(cut + 1) : p;
}

/** Caps long free text (command lines) kept in entity attrs. */
export function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}
