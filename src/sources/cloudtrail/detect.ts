/**
 * Shape test for CloudTrail records. `eventName` with `eventSource`, `eventVersion` or
 * `userIdentity` is distinctive: none of Falco alerts, Tetragon events or Kubernetes audit
 * events carries those members. EventBridge deliveries (`detail-type` + `detail`) are looked
 * into, since the record is their `detail`.
 */
import { isObject, type JsonObject } from '../../core/json.js';

export function detectCloudTrail(record: JsonObject): boolean {
  const r = eventBridgeDetail(record) ?? record;
  if (typeof r['eventName'] !== 'string') return typeof r['eventSource'] === 'string' && typeof r['eventVersion'] === 'string';
  return typeof r['eventSource'] === 'string' || typeof r['eventVersion'] === 'string' || isObject(r['userIdentity']);
}

/** The CloudTrail record inside an EventBridge event (`"detail-type": "AWS API Call via CloudTrail"`). */
export function eventBridgeDetail(record: JsonObject): JsonObject | undefined {
  const detail = record['detail'];
  return typeof record['detail-type'] === 'string' && isObject(detail) ? detail : undefined;
}
