import { skip, type DecodeContext } from '../../core/decoder.js';
import { EntitySet } from '../../core/entity.js';
import type { ErrorCode } from '../../core/errors.js';
import { createEventWithLazyId, type DecodeResult, type VigilEvent } from '../../core/event.js';
import { stableId } from '../../core/hash.js';
import { arr, isObject, str, type JsonObject } from '../../core/json.js';
import { parseTime, type EventTime } from '../../core/time.js';
import { actionFor } from './action.js';
import { scanArgs, type ArgScan } from './args.js';
import { AGENT_EVENT_TYPES, MAX_ANCESTORS, PROCESS_EVENT_TYPES, TEST_EVENT_TYPE } from './constants.js';
import { eventKey, eventKeys, SEVERAL_KEYS } from './detect.js';
import { addFile, addNode, addRelative, addRemoteIp, addSubject } from './entities.js';
import { readProcess, readRelative, type ProcessFacts } from './process-fields.js';

type Failure = Extract<DecodeResult, { skip: false }>;

/** A rejection (the core `reject`, typed narrowly so helpers can return it beside values). */
function fail(code: ErrorCode, message: string, field?: string): Failure {
  return field === undefined ? { ok: false, skip: false, code, message } : { ok: false, skip: false, code, message, field };
}

/** The envelope fields every event type shares. */
interface Envelope {
  readonly type: string;
  readonly body: JsonObject;
  readonly time: EventTime;
  readonly node?: string;
  readonly cluster?: string;
}

/** An optional string member: absent is fine, another type is an error naming the field. */
function optionalString(o: JsonObject, key: string, field: string): string | undefined | Failure {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : fail('FIELD_TYPE', `${field} must be a string, got ${typeName(v)}`, field);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}

function isFailure(v: unknown): v is Failure {
  return isObject(v) && v['ok'] === false;
}

function readTime(record: JsonObject): EventTime | Failure {
  const raw = record['time'];
  if (raw === undefined || raw === null) return fail('TIME_INVALID', 'time is missing', 'time');
  if (typeof raw !== 'string') return fail('TIME_INVALID', `time must be an RFC 3339 string, got ${typeName(raw)}`, 'time');
  const t = parseTime(raw);
  return t ?? fail('TIME_INVALID', `time is not an RFC 3339 timestamp: ${raw.slice(0, 64)}`, 'time');
}

function readEnvelope(record: JsonObject): Envelope | Failure {
  const type = eventKey(record);
  if (type === undefined) return fail('RECORD_UNRECOGNISED', 'no Tetragon event key (process_exec, process_kprobe, ...)');
  if (type === SEVERAL_KEYS) return fail('RECORD_UNRECOGNISED', `several Tetragon event keys in one record: ${eventKeys(record).slice(0, 4).join(', ')}`);
  const body = record[type];
  if (!isObject(body)) return fail('FIELD_TYPE', `${type} must be an object, got ${typeName(body)}`, type);
  const time = readTime(record);
  if (isFailure(time)) return time;
  const node = optionalString(record, 'node_name', 'node_name');
  if (isFailure(node)) return node;
  const cluster = optionalString(record, 'cluster_name', 'cluster_name');
  if (isFailure(cluster)) return cluster;
  return { type, body, time, node, cluster };
}

/** The subject process object, checked: required for process events, with an exec_id for exec and exit. */
function checkSubject(env: Envelope): { proc: JsonObject; execId: string | undefined } | Failure {
  // Field names are built only on the error paths: this runs once per event.
  const proc = env.body['process'];
  if (proc === undefined || proc === null) return fail('FIELD_MISSING', `${env.type}.process is missing`, `${env.type}.process`);
  if (!isObject(proc)) return fail('FIELD_TYPE', `${env.type}.process must be an object, got ${typeName(proc)}`, `${env.type}.process`);
  const rawExecId = proc['exec_id'];
  if (rawExecId !== undefined && rawExecId !== null && typeof rawExecId !== 'string') {
    const field = `${env.type}.process.exec_id`;
    return fail('FIELD_TYPE', `${field} must be a string, got ${typeName(rawExecId)}`, field);
  }
  const execId = rawExecId === '' || rawExecId === null ? undefined : rawExecId;
  if (execId === undefined && (env.type === 'process_exec' || env.type === 'process_exit')) {
    return fail('FIELD_MISSING', `${env.type}.process.exec_id is missing`, `${env.type}.process.exec_id`);
  }
  const parent = env.body['parent'];
  if (parent !== undefined && parent !== null && !isObject(parent)) {
    return fail('FIELD_TYPE', `${env.type}.parent must be an object`, `${env.type}.parent`);
  }
  const ancestors = env.body['ancestors'];
  if (ancestors !== undefined && ancestors !== null && !Array.isArray(ancestors)) {
    return fail('FIELD_TYPE', `${env.type}.ancestors must be an array`, `${env.type}.ancestors`);
  }
  return { proc, execId };
}

/** Parent and ancestors as a `child-of` chain; a missing parent object still links by id. */
function addLineage(set: EntitySet, env: Envelope, subject: ProcessFacts, subjectKey: string | undefined, nodeKey: string | undefined): void {
  const parentObj = env.body['parent'];
  let prev = subjectKey;
  if (isObject(parentObj)) {
    prev = addRelative(set, readRelative(parentObj), nodeKey);
    set.relate(subjectKey, 'child-of', prev);
  } else if (subject.parentExecId !== undefined) {
    // Known by id only: nothing says where it runs, so it is not placed.
    prev = addRelative(set, { execId: subject.parentExecId }, undefined);
    set.relate(subjectKey, 'child-of', prev);
  }
  const ancestors = arr(env.body, 'ancestors');
  const n = Math.min(ancestors.length, MAX_ANCESTORS);
  for (let i = 0; i < n; i++) {
    const a = ancestors[i];
    if (!isObject(a)) continue;
    const key = addRelative(set, readRelative(a), nodeKey);
    set.relate(prev, 'child-of', key);
    prev = key;
  }
}

const NO_ARGS: ArgScan = Object.freeze({ files: [], remotes: [] });

/** Files and peers the hook names (args of tracing hooks, the loaded path, Isovalent peers). */
function scanTargets(env: Envelope): ArgScan {
  const body = env.body;
  if (env.type === 'process_exec' || env.type === 'process_exit') return NO_ARGS;
  if (env.type === 'process_loader') {
    const path = str(body, 'path');
    return path === undefined ? NO_ARGS : { files: [path], remotes: [] };
  }
  if (env.type === 'process_connect' || env.type === 'process_close') {
    const ip = str(body, 'destination_ip');
    return ip === undefined ? NO_ARGS : { files: [], remotes: [ip] };
  }
  return scanArgs(arr(body, 'args'));
}

function hookName(env: Envelope): string | undefined {
  const b = env.body;
  if (env.type === 'process_tracepoint') return `${str(b, 'subsys') ?? ''}/${str(b, 'event') ?? ''}`;
  if (env.type === 'process_uprobe') return `${str(b, 'path') ?? ''}:${str(b, 'symbol') ?? ''}`;
  if (env.type === 'process_throttle') return `${str(b, 'type') ?? ''}:${str(b, 'cgroup') ?? ''}`;
  return str(b, 'function_name');
}

function envelopeEvent(env: Envelope, entities: () => EntitySet, execId: string | undefined, action: string, record: JsonObject, ctx: DecodeContext): VigilEvent {
  const fields = {
    source: 'tetragon',
    kind: env.type,
    action,
    time: env.time.iso,
    timeMs: env.time.ms,
    observedMs: ctx.observedMs,
    payload: record,
    origin: ctx.origin,
  } as const;
  // Hashed when first asked for: most runtime events are never referred to by id.
  return createEventWithLazyId(fields, () => stableId('tg-', [env.node, env.type, execId, env.time.iso, hookName(env), str(env.body, 'policy_name')]), entities);
}

function decodeProcessEvent(env: Envelope, record: JsonObject, ctx: DecodeContext): DecodeResult {
  const checked = checkSubject(env);
  if (isFailure(checked)) return checked;
  const scan = scanTargets(env);
  const action = actionFor(env.type, env.body, str(checked.proc, 'binary'), scan.target);
  // The process facts (placement, image, credentials...) feed only the entities: read them then.
  return { ok: true, event: envelopeEvent(env, () => processEntities(env, checked.proc, scan), checked.execId, action, record, ctx) };
}

function processEntities(env: Envelope, proc: JsonObject, scan: ArgScan): EntitySet {
  const subject = readProcess(proc);
  const set = new EntitySet();
  const nodeKey = addNode(set, env.node, env.cluster);
  const subjectKey = addSubject(set, subject, nodeKey);
  addLineage(set, env, subject, subjectKey, nodeKey);
  for (const f of scan.files) addFile(set, f, subjectKey);
  for (const ip of scan.remotes) addRemoteIp(set, ip, subjectKey);
  return set;
}

/**
 * Normalizes one Tetragon export record. The event time is the envelope's `time`
 * (`process_exit.time` repeats it); a record without one is rejected, since nothing downstream
 * can place it.
 */
export function decode(record: JsonObject, ctx: DecodeContext): DecodeResult {
  const env = readEnvelope(record);
  if (isFailure(env)) return env;
  if (env.type === TEST_EVENT_TYPE) return skip('Tetragon test event');
  if (!PROCESS_EVENT_TYPES.has(env.type) && !AGENT_EVENT_TYPES.has(env.type)) {
    // Recognised as Tetragon by its envelope, but of a type whose meaning Vigil does not know:
    // reported, so a new agent version's events are seen rather than guessed at.
    return fail('KIND_UNKNOWN', `Tetragon event type "${env.type.slice(0, 64)}" is not one Vigil knows`, env.type.slice(0, 64));
  }
  if (AGENT_EVENT_TYPES.has(env.type)) {
    const entities = () => {
      const set = new EntitySet();
      addNode(set, env.node, env.cluster);
      return set;
    };
    return { ok: true, event: envelopeEvent(env, entities, undefined, actionFor(env.type, env.body, undefined, undefined), record, ctx) };
  }
  return decodeProcessEvent(env, record, ctx);
}
