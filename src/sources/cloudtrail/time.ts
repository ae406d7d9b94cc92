/**
 * The event time: `eventTime`, or `@timestamp` in records re-shipped by Logstash/Beats (which
 * move the original time there). CloudTrail times are UTC; exports that drop the zone
 * (Panther, Athena: `2024-01-01 00:00:00.000`) are read as UTC too.
 */
import type { JsonObject } from '../../core/json.js';
import { parseTime, type EventTime } from '../../core/time.js';
import { clip, jsonType } from './text.js';

const ZONELESS = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?$/;

export type TimeRead = { readonly ok: true; readonly time: EventTime } | { readonly ok: false; readonly field: string; readonly message: string };

export function readEventTime(record: JsonObject): TimeRead {
  const field = record['eventTime'] != null ? 'eventTime' : record['@timestamp'] != null ? '@timestamp' : undefined;
  if (field === undefined) {
    const hint = 'eventtime' in record ? " (the record has 'eventtime': CloudTrail field names are case-sensitive)" : '';
    return { ok: false, field: 'eventTime', message: `eventTime is missing and there is no @timestamp${hint}` };
  }
  const raw = record[field];
  if (typeof raw !== 'string') return { ok: false, field, message: `${field} is ${jsonType(raw)}, not a time string` };
  const time = parseTime(raw) ?? (ZONELESS.test(raw) ? parseTime(`${raw}Z`) : undefined);
  if (time === undefined) return { ok: false, field, message: `${field} "${clip(raw)}" is not an ISO 8601 time` };
  return { ok: true, time };
}
