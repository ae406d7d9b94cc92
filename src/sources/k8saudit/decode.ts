import type { DecodeContext } from '../../core/decoder.js';
import { createEvent, type DecodeResult } from '../../core/event.js';
import { stableId } from '../../core/hash.js';
import { str, type JsonObject } from '../../core/json.js';
import { actionOf } from './action.js';
import { auditEntities } from './entities.js';
import { readAuditView, type AuditView } from './fields.js';
import { eventTime } from './time.js';

/**
 * The event id. One request yields an event per stage under the same `auditID`, so the stage is
 * part of it; records without an auditID (hand-written ones) get a content hash instead.
 */
function eventId(view: AuditView, time: string): string {
  if (view.auditID !== undefined) {
    return view.stage === undefined ? `k8s-${view.auditID}` : `k8s-${view.auditID}-${view.stage}`;
  }
  const ref = view.objectRef;
  return stableId('k8s-', [
    view.stage,
    time,
    view.verb,
    view.requestURI,
    str(view.user, 'username'),
    str(ref, 'resource'),
    str(ref, 'namespace'),
    str(ref, 'name'),
    str(ref, 'subresource'),
  ]);
}

/**
 * Normalizes one Kubernetes audit `Event` (`audit.k8s.io/v1`, `v1beta1`, or the 2018 form
 * without apiVersion). Only the event time is required, as in Falco's k8saudit plugin; members
 * Vigil reads must have the types Kubernetes writes. The record is the payload, so `ka.*` fields
 * and `jevt.value` read it as it came.
 */
export function decodeAudit(record: JsonObject, ctx: DecodeContext): DecodeResult {
  const checked = readAuditView(record);
  if (!checked.ok) return checked.error;
  const view = checked.value;
  const time = eventTime(record);
  if (!time.ok) return time.error;
  const fields = {
    id: eventId(view, time.time.iso),
    source: 'k8saudit',
    kind: 'audit',
    action: actionOf(view),
    time: time.time.iso,
    timeMs: time.time.ms,
    observedMs: ctx.observedMs,
    payload: record,
    origin: ctx.origin,
  } as const;
  return { ok: true, event: createEvent(fields, () => auditEntities(record, view)) };
}
