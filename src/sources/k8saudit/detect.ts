import type { JsonObject } from '../../core/json.js';

/** The group every audit API version belongs to (`audit.k8s.io/v1`, `audit.k8s.io/v1beta1`). */
export const AUDIT_GROUP = 'audit.k8s.io/';

/**
 * True when `apiVersion` is absent or null (2018-era events omit it) or in the audit group. A core
 * `Event` from the events API (`kubectl get events`, apiVersion `v1`) shares the kind name but
 * is not an audit event, so it must not be claimed.
 */
export function isAuditApiVersion(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.startsWith(AUDIT_GROUP));
}

/**
 * Claims audit `Event`s, and `EventList`s of the audit group so that a list the reader did not
 * unwrap (a nested one) gets this decoder's clear rejection rather than "unrecognised". Without
 * `kind`, an `auditID` + `verb` + `stage` triple is specific enough: no other format has it.
 */
export function detect(record: JsonObject): boolean {
  const kind = record['kind'];
  if (kind === 'Event' || kind === 'EventList') return isAuditApiVersion(record['apiVersion']);
  if (kind !== undefined) return false;
  return (
    typeof record['auditID'] === 'string' && typeof record['verb'] === 'string' && typeof record['stage'] === 'string'
  );
}
