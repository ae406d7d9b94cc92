/**
 * The top-level keys of a Falco alert (`json_output: true`) and of the falcosidekick payload,
 * checked and normalized so that both forms of one alert read the same: priority spelled the
 * Falco way, an empty source as `syscall` (sidekick's default), and the time in one canonical
 * text (sidekick trims the trailing zeros Falco prints).
 */
import type { DecodeResult } from '../../core/event.js';
import { reject, skip } from '../../core/decoder.js';
import { isObject, type JsonObject } from '../../core/json.js';
import { parsePriority, type Priority } from '../../core/signal.js';
import { parseTime, type EventTime } from '../../core/time.js';
import { truncate } from './fields.js';

export interface AlertHeader {
  readonly rule: string;
  readonly priority: Priority;
  /** The rule source: `syscall`, `k8s_audit`, `aws_cloudtrail`, `okta`, … */
  readonly source: string;
  readonly time: EventTime;
  readonly hostname: string | undefined;
  readonly output: string | undefined;
  readonly fields: JsonObject | undefined;
}

/** Falco's own records (metrics snapshots and other internal rules) share the alert shape. */
const INTERNAL_RULE_PREFIX = 'Falco internal:';

const SHOWN_MAX = 60;

/** The header, or the result to return instead: a reject, or a skip for Falco-internal records. */
export function readHeader(record: JsonObject): { header: AlertHeader } | { result: DecodeResult } {
  const rule = record['rule'];
  if (typeof rule !== 'string') return { result: missingOrType(rule, 'rule', 'a string') };
  if (rule === '') return { result: reject('FIELD_MISSING', 'the alert rule is empty', 'rule') };
  const source = record['source'];
  if (rule.startsWith(INTERNAL_RULE_PREFIX) || source === 'internal') {
    return { result: skip(`Falco internal record (${truncate(rule, SHOWN_MAX)}), not an alert`) };
  }
  if (source !== undefined && source !== null && typeof source !== 'string') {
    return { result: reject('FIELD_TYPE', 'source must be a string', 'source') };
  }
  const priorityRaw = record['priority'];
  if (typeof priorityRaw !== 'string') return { result: missingOrType(priorityRaw, 'priority', 'a string') };
  const priority = parsePriority(priorityRaw);
  if (priority === undefined) {
    const shown = truncate(priorityRaw, SHOWN_MAX);
    return { result: reject('FIELD_TYPE', `priority "${shown}" is not a Falco priority (Emergency … Debug)`, 'priority') };
  }
  const time = readTime(record['time']);
  if (!('ms' in time)) return { result: time };
  const optional = readOptional(record);
  if (!('fields' in optional)) return { result: optional };
  const src = typeof source === 'string' && source !== '' ? source : 'syscall';
  return { header: { rule, priority, source: src, time, ...optional } };
}

/**
 * `time` is the event time: an RFC 3339 string with nanoseconds. It is required: the
 * `output_fields["evt.time"]` number exceeds 2^53, so its low digits are not the real ones.
 */
function readTime(raw: unknown): EventTime | DecodeResult {
  if (typeof raw !== 'string' || raw === '') {
    const what = raw === undefined || raw === null || raw === '' ? 'is missing' : 'must be an RFC 3339 string';
    return reject('TIME_INVALID', `the alert time ${what}`, 'time');
  }
  const parsed = parseTime(raw);
  if (parsed === undefined) {
    return reject('TIME_INVALID', `the alert time "${truncate(raw, SHOWN_MAX)}" is not an RFC 3339 time`, 'time');
  }
  // parseTime trims trailing zeros of the fraction, as sidekick does: both forms read the same.
  return parsed;
}

type Optional = Pick<AlertHeader, 'hostname' | 'output' | 'fields'>;

/** Keys Falco may leave out by configuration; when present they must have their type. */
function readOptional(record: JsonObject): Optional | DecodeResult {
  const hostname = record['hostname'];
  if (!isAbsent(hostname) && typeof hostname !== 'string') return typeError('hostname', 'a string');
  const output = record['output'];
  if (!isAbsent(output) && typeof output !== 'string') return typeError('output', 'a string');
  const fields = record['output_fields'];
  if (!isAbsent(fields) && !isObject(fields)) return typeError('output_fields', 'an object');
  const tags = record['tags'];
  if (!isAbsent(tags) && !Array.isArray(tags)) return typeError('tags', 'an array of strings');
  return {
    hostname: typeof hostname === 'string' && hostname !== '' ? hostname : undefined,
    output: typeof output === 'string' ? output : undefined,
    fields: isObject(fields) ? fields : undefined,
  };
}

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null;
}

function missingOrType(v: unknown, field: string, expected: string): DecodeResult {
  return isAbsent(v) ? reject('FIELD_MISSING', `the alert has no ${field}`, field) : typeError(field, expected);
}

function typeError(field: string, expected: string): DecodeResult {
  return reject('FIELD_TYPE', `${field} must be ${expected}`, field);
}
