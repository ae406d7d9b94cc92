import { reject } from '../../core/decoder.js';
import type { DecodeResult } from '../../core/event.js';
import type { JsonObject } from '../../core/json.js';
import { parseTime, type EventTime } from '../../core/time.js';

/**
 * Where the event time is read from, in order. Falco uses `stageTimestamp` (the time the event
 * reached its stage); `requestReceivedTimestamp` is as good for events that lack it, and
 * `v1beta1` events also carry a second-precision `timestamp`.
 */
export const TIME_FIELDS = ['stageTimestamp', 'requestReceivedTimestamp', 'timestamp'] as const;

/** A timestamp without a zone designator, as Panther re-exports audit events (`2022-11-29 00:09:04.38`). */
const ZONELESS = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?$/;

/**
 * Parses RFC 3339 as Kubernetes writes it. A zone-less timestamp is read as UTC: Kubernetes
 * never writes one, but log platforms that re-export audit events (Panther) store UTC without
 * the `Z`, and refusing them would drop whole exports.
 */
export function parseAuditTime(text: string): EventTime | undefined {
  const t = parseTime(text);
  if (t !== undefined || text.length > 40 || !ZONELESS.test(text)) return t;
  return parseTime(`${text}Z`);
}

/**
 * The event time: the first time field present decides. A present but unreadable one is an
 * error rather than a silent fallback, since the other fields mean different instants.
 */
export function eventTime(record: JsonObject): { ok: true; time: EventTime } | { ok: false; error: DecodeResult } {
  for (const field of TIME_FIELDS) {
    const raw = record[field];
    if (raw === undefined || raw === null || raw === '') continue;
    if (typeof raw !== 'string') {
      return { ok: false, error: reject('TIME_INVALID', `${field} must be an RFC 3339 timestamp string`, field) };
    }
    const time = parseAuditTime(raw);
    if (time === undefined) {
      return { ok: false, error: reject('TIME_INVALID', `${field} is not a valid RFC 3339 timestamp: "${raw.slice(0, 64)}"`, field) };
    }
    return { ok: true, time };
  }
  return {
    ok: false,
    error: reject('TIME_INVALID', 'the event has no time: none of stageTimestamp, requestReceivedTimestamp, timestamp', 'stageTimestamp'),
  };
}
