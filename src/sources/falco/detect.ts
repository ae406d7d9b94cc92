import type { JsonObject } from '../../core/json.js';

/**
 * A Falco alert or falcosidekick payload: `rule` and `priority` plus `output` or
 * `output_fields`. No other input has these keys together (audit events, CloudTrail records and
 * Tetragon events have none of them), so three key reads decide. Their types are left to
 * `decode`, so that a broken alert gets a precise error (`priority` of the wrong type) rather
 * than "unrecognised record".
 */
export function detectAlert(record: JsonObject): boolean {
  return (
    record['rule'] !== undefined &&
    record['priority'] !== undefined &&
    (record['output'] !== undefined || record['output_fields'] !== undefined)
  );
}
