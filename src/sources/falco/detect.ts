import type { JsonObject } from '../../core/json.js';

/**
 * A Falco alert or falcosidekick payload: a string `rule` and `priority` plus `output` or
 * `output_fields`. No other input has a top-level `priority` next to `rule` (audit events,
 * CloudTrail records and Tetragon events have neither), so three key reads decide.
 */
export function detectAlert(record: JsonObject): boolean {
  return (
    typeof record['rule'] === 'string' &&
    typeof record['priority'] === 'string' &&
    (record['output'] !== undefined || record['output_fields'] !== undefined)
  );
}
