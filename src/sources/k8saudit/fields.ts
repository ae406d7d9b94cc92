import { reject } from '../../core/decoder.js';
import type { DecodeResult } from '../../core/event.js';
import { isObject, type JsonObject } from '../../core/json.js';
import { AUDIT_GROUP } from './detect.js';

/** The audit stages Kubernetes has defined since `v1beta1`. */
export const STAGES: ReadonlySet<string> = new Set(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']);

/**
 * The members of one audit event the envelope and entities are built from, type-checked once.
 * Absent, `null` and empty strings all read as undefined: hand-written and re-exported events
 * (Panther, EKS) leave optional members out or null them.
 */
export interface AuditView {
  readonly auditID: string | undefined;
  readonly stage: string | undefined;
  readonly verb: string | undefined;
  readonly requestURI: string | undefined;
  readonly user: JsonObject | undefined;
  readonly impersonatedUser: JsonObject | undefined;
  readonly objectRef: JsonObject | undefined;
  readonly sourceIPs: readonly unknown[];
}

type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DecodeResult };

const TOP_STRINGS = ['auditID', 'verb', 'requestURI', 'level', 'userAgent'] as const;
const TOP_OBJECTS = ['user', 'impersonatedUser', 'objectRef', 'responseStatus', 'annotations'] as const;
const USER_STRINGS = ['username', 'uid'] as const;
const USER_OBJECTS = [
  ['user', 'user.'],
  ['impersonatedUser', 'impersonatedUser.'],
] as const;
const OBJECT_REF_STRINGS = ['resource', 'subresource', 'namespace', 'name', 'apiGroup', 'apiVersion'] as const;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}

function typeError(field: string, expected: string, got: unknown): DecodeResult {
  return reject('FIELD_TYPE', `${field} must be ${expected}, got ${typeName(got)}`, field);
}

/** A present, non-null member that is not a string. */
function badString(o: JsonObject, key: string, prefix: string): DecodeResult | undefined {
  const v = o[key];
  return v === undefined || v === null || typeof v === 'string' ? undefined : typeError(prefix + key, 'a string', v);
}

function badObject(o: JsonObject, key: string): DecodeResult | undefined {
  const v = o[key];
  return v === undefined || v === null || isObject(v) ? undefined : typeError(key, 'an object', v);
}

function optString(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function optObject(o: JsonObject, key: string): JsonObject | undefined {
  const v = o[key];
  return isObject(v) ? v : undefined;
}

/**
 * Tells an audit `Event` from everything else that can reach the decoder: a list the reader did
 * not unwrap, a core (non-audit) Event, another kind, or a record with no audit shape at all.
 */
function checkKind(record: JsonObject): DecodeResult | undefined {
  const kind = record['kind'];
  const apiVersion = record['apiVersion'];
  if (apiVersion !== undefined && apiVersion !== null && typeof apiVersion !== 'string') {
    return typeError('apiVersion', 'a string', apiVersion);
  }
  if (typeof apiVersion === 'string' && !apiVersion.startsWith(AUDIT_GROUP)) {
    return reject(
      'RECORD_UNRECOGNISED',
      `apiVersion "${apiVersion.slice(0, 64)}" is not an audit.k8s.io version: a cluster Event from the events API is not an audit event`,
      'apiVersion',
    );
  }
  if (kind === 'Event') return undefined;
  if (kind === 'EventList') {
    return reject('RECORD_UNRECOGNISED', 'an audit EventList reached the event decoder (nested list?): its items must be decoded one by one', 'kind');
  }
  if (kind !== undefined && kind !== null) {
    if (typeof kind !== 'string') return typeError('kind', 'the string "Event"', kind);
    return reject('KIND_UNKNOWN', `kind "${kind.slice(0, 64)}" is not a Kubernetes audit Event`, 'kind');
  }
  const hasShape = typeof record['auditID'] === 'string' || typeof record['stage'] === 'string';
  if (hasShape && typeof record['verb'] === 'string') return undefined;
  return reject('RECORD_UNRECOGNISED', `not a Kubernetes audit event: ${wrapperHint(record)}`, 'kind');
}

/**
 * Managed clusters export audit events inside their own envelopes; naming the envelope tells the
 * user what to unwrap. Only reached on the error path.
 */
function wrapperHint(record: JsonObject): string {
  const props = optObject(record, 'properties');
  if (props !== undefined && typeof props['log'] === 'string') {
    return 'an Azure (AKS) diagnostic record; the audit event is the JSON text in properties.log and must be extracted first';
  }
  if (optObject(record, 'protoPayload') !== undefined) {
    return 'a Google Cloud audit log entry (GKE protoPayload), not an audit.k8s.io Event';
  }
  return 'no kind "Event", and no auditID or stage with a verb';
}

/** Member types of the nested objects the entities read. */
function checkNested(record: JsonObject): DecodeResult | undefined {
  for (const [key, prefix] of USER_OBJECTS) {
    const u = optObject(record, key);
    if (u === undefined) continue;
    for (const k of USER_STRINGS) {
      const bad = badString(u, k, prefix);
      if (bad !== undefined) return bad;
    }
  }
  const ref = optObject(record, 'objectRef');
  if (ref !== undefined) {
    for (const k of OBJECT_REF_STRINGS) {
      const bad = badString(ref, k, 'objectRef.');
      if (bad !== undefined) return bad;
    }
  }
  const ips = record['sourceIPs'];
  if (ips !== undefined && ips !== null && !Array.isArray(ips)) return typeError('sourceIPs', 'an array of strings', ips);
  return undefined;
}

function checkStage(record: JsonObject): DecodeResult | undefined {
  const stage = record['stage'];
  if (stage === undefined || stage === null || stage === '') return undefined;
  if (typeof stage !== 'string') return typeError('stage', 'a string', stage);
  if (STAGES.has(stage)) return undefined;
  return reject(
    'KIND_UNKNOWN',
    `stage "${stage.slice(0, 64)}" is not one of RequestReceived, ResponseStarted, ResponseComplete, Panic`,
    'stage',
  );
}

/**
 * Checks the record is an audit event whose members have the types Kubernetes writes, and reads
 * them. Only the members Vigil interprets are checked; the rest stays in the payload untouched.
 */
export function readAuditView(record: JsonObject): Checked<AuditView> {
  const problem = checkKind(record) ?? checkStage(record);
  if (problem !== undefined) return { ok: false, error: problem };
  for (const k of TOP_STRINGS) {
    const bad = badString(record, k, '');
    if (bad !== undefined) return { ok: false, error: bad };
  }
  for (const k of TOP_OBJECTS) {
    const bad = badObject(record, k);
    if (bad !== undefined) return { ok: false, error: bad };
  }
  const nested = checkNested(record);
  if (nested !== undefined) return { ok: false, error: nested };
  const ips = record['sourceIPs'];
  return {
    ok: true,
    value: {
      auditID: optString(record, 'auditID'),
      stage: optString(record, 'stage'),
      verb: optString(record, 'verb'),
      requestURI: optString(record, 'requestURI'),
      user: optObject(record, 'user'),
      impersonatedUser: optObject(record, 'impersonatedUser'),
      objectRef: optObject(record, 'objectRef'),
      sourceIPs: Array.isArray(ips) ? ips : [],
    },
  };
}
