import { isObject, type JsonObject } from '../../core/json.js';
import { AGENT_EVENT_TYPES, PROCESS_EVENT_TYPES, PROCESS_PREFIX, TEST_EVENT_TYPE } from './constants.js';

/** A record carries the `GetEventsResponse` envelope fields beside its event key. */
function hasEnvelope(record: JsonObject): boolean {
  return typeof record['time'] === 'string' || typeof record['node_name'] === 'string';
}

/**
 * Whether `key` names a Tetragon event in this record. Known types count whatever their value
 * (so a broken body is reported by decode, not as an unknown format); the generic `test` key and
 * future `process_*` types count only beside the envelope, so a stray key cannot claim a record.
 */
function isEventKey(key: string, record: JsonObject): boolean {
  if (PROCESS_EVENT_TYPES.has(key) || AGENT_EVENT_TYPES.has(key)) return true;
  if (key === TEST_EVENT_TYPE) return hasEnvelope(record);
  return key.startsWith(PROCESS_PREFIX) && isObject(record[key]) && hasEnvelope(record);
}

/** What `eventKey` returns for a record with more than one event key. */
export const SEVERAL_KEYS: unique symbol = Symbol('several Tetragon event keys');

/** The record's one event key: undefined without any, SEVERAL_KEYS with more (no list is made). */
export function eventKey(record: JsonObject): string | undefined | typeof SEVERAL_KEYS {
  let found: string | undefined;
  for (const key in record) {
    if (!isEventKey(key, record)) continue;
    if (found !== undefined) return SEVERAL_KEYS;
    found = key;
  }
  return found;
}

/** The event keys of a record; a valid export line has exactly one. */
export function eventKeys(record: JsonObject): string[] {
  const keys: string[] = [];
  for (const key in record) {
    if (isEventKey(key, record)) keys.push(key);
  }
  return keys;
}

/**
 * Tetragon's shape: exactly one top-level event key. No other supported format has a top-level
 * `process_*` key (Falco nests process data under `output_fields`), so this cannot claim their
 * records.
 */
export function detect(record: JsonObject): boolean {
  return typeof eventKey(record) === 'string';
}
