/**
 * Normalizes one CloudTrail record. Required: `eventSource`, `eventName` and a valid
 * `eventTime`/`@timestamp`; everything else is optional and read with the safe readers, so a
 * member of the wrong type is ignored rather than fatal. The record itself is the payload.
 */
import type { DecodeContext } from '../../core/decoder.js';
import { reject } from '../../core/decoder.js';
import { EntitySet, createEntity } from '../../core/entity.js';
import { createEvent, type DecodeResult } from '../../core/event.js';
import { stableId } from '../../core/hash.js';
import { isObject, str, type JsonObject } from '../../core/json.js';
import type { EventTime } from '../../core/time.js';
import { accountId, ipAddress, serviceOf } from './aws.js';
import { addIssuedCredentials } from './credentials.js';
import { eventBridgeDetail } from './detect.js';
import { addIdentity } from './identity.js';
import { addTargets } from './targets.js';
import { jsonType } from './text.js';
import { readEventTime } from './time.js';

const STS_SOURCE = 'sts.amazonaws.com';
/** eventIDs are UUIDs; a longer one (never seen from AWS) is hashed so ids stay short. */
const MAX_ID = 128;
/** Members whose presence says "this is meant to be CloudTrail", for choosing the error code. */
const MARKERS = ['eventVersion', 'eventName', 'eventTime', 'userIdentity', 'eventsource', 'eventname', 'eventtime'];

/** CloudTrail's record types (`eventType`); a record without one is an API call, as most fixtures are. */
const EVENT_TYPES: ReadonlySet<string> = new Set([
  'AwsApiCall',
  'AwsServiceEvent',
  'AwsConsoleAction',
  'AwsConsoleSignIn',
  'AwsCloudTrailInsight',
  'AwsVpceEvent',
]);

export function decodeCloudTrail(input: JsonObject, ctx: DecodeContext): DecodeResult {
  const record = eventBridgeDetail(input) ?? input;
  const eventSource = str(record, 'eventSource');
  if (eventSource === undefined) return missing(record, 'eventSource');
  const eventName = str(record, 'eventName');
  if (eventName === undefined) return missing(record, 'eventName');
  const t = readEventTime(record);
  if (!t.ok) return reject('TIME_INVALID', t.message, t.field);
  const ui = record['userIdentity'];
  if (ui != null && !isObject(ui)) return reject('FIELD_TYPE', `userIdentity is ${jsonType(ui)}, not an object`, 'userIdentity');

  const rawKind = record['eventType'];
  const kind = typeof rawKind === 'string' && rawKind !== '' ? rawKind : 'AwsApiCall';
  if (!EVENT_TYPES.has(kind)) {
    return reject('KIND_UNKNOWN', `eventType "${kind.slice(0, 64)}" is not a CloudTrail event type Vigil knows`, 'eventType');
  }
  const fields = {
    id: eventId(record, t.time, eventSource, eventName),
    source: 'cloudtrail',
    kind,
    action: `${serviceOf(eventSource)}:${eventName}`,
    time: t.time.iso,
    timeMs: t.time.ms,
    observedMs: ctx.observedMs,
    payload: record,
    origin: ctx.origin,
  } as const;
  return { ok: true, event: createEvent(fields, () => recordEntities(record, ui ?? undefined, kind, eventSource, eventName)) };
}

/** Who acted, from where, with which credentials, on what. */
function recordEntities(record: JsonObject, ui: JsonObject | undefined, kind: string, eventSource: string, eventName: string): EntitySet {
  const set = new EntitySet();
  const actor = addIdentity(set, record, ui, kind);
  const ip = ipAddress(record['sourceIPAddress']);
  if (ip !== undefined) set.relate(actor, 'from-ip', set.add(createEntity('ip', ip)));
  const recipient = accountId(record['recipientAccountId']);
  if (recipient !== undefined) set.add(createEntity('aws-account', recipient));
  if (eventSource === STS_SOURCE) addIssuedCredentials(set, record, eventName, actor, str(record, 'errorCode') !== undefined);
  addTargets(set, record, eventSource, actor);
  return set;
}

/** Why a required member is not a non-empty string, with the most helpful code. */
function missing(record: JsonObject, field: 'eventSource' | 'eventName'): DecodeResult {
  const v = record[field];
  if (v != null && typeof v !== 'string') return reject('FIELD_TYPE', `${field} is ${jsonType(v)}, not a string`, field);
  if (field === 'eventSource' && !MARKERS.some((m) => m in record)) {
    return reject('RECORD_UNRECOGNISED', 'not a CloudTrail record: it has none of eventVersion, eventSource, eventName, eventTime, userIdentity');
  }
  const lower = field.toLowerCase();
  const hint = lower in record ? ` (the record has '${lower}': CloudTrail field names are case-sensitive)` : '';
  return reject('FIELD_MISSING', `${field} is ${v === '' ? 'empty' : 'missing'}${hint}`, field);
}

/**
 * `ct-<eventID>`; records without one (hand-made fixtures) get a hash of what identifies a
 * call, so the same record always gets the same id.
 */
function eventId(record: JsonObject, time: EventTime, eventSource: string, eventName: string): string {
  const id = str(record, 'eventID');
  if (id !== undefined) return id.length <= MAX_ID ? `ct-${id}` : stableId('ct-', [id]);
  const ui = isObject(record['userIdentity']) ? record['userIdentity'] : undefined;
  return stableId('ct-', [
    time.iso,
    eventSource,
    eventName,
    str(record, 'requestID'),
    str(ui, 'arn') ?? str(ui, 'principalId') ?? str(ui, 'invokedBy'),
    str(ui, 'accessKeyId'),
    str(record, 'sourceIPAddress'),
    str(record, 'awsRegion'),
    str(record, 'userAgent'),
  ]);
}
