import { createHash } from 'node:crypto';

/**
 * A short deterministic id from parts (sha256, 20 hex digits): the same input always gives the
 * same id, so runs can be compared and deduplicated. Parts are joined with a separator that
 * cannot appear in them ambiguously (each part is length-prefixed).
 */
export function stableId(prefix: string, parts: readonly (string | number | undefined)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    const s = p === undefined ? '' : String(p);
    h.update(`${s.length}:${s}|`);
  }
  return `${prefix}${h.digest('hex').slice(0, 20)}`;
}
