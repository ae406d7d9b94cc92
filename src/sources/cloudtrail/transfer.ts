/**
 * Bytes moved by an S3 data event. They are facts of the event, not of the bucket or object,
 * so they stay in the payload (`additionalEventData.bytesTransferredIn/Out`); this reads them
 * for volume baselines and exfiltration rules.
 */
import { isObject, num, obj } from '../../core/json.js';

export interface S3Transfer {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** The transfer of a CloudTrail payload, or undefined when it records none. */
export function s3BytesTransferred(payload: unknown): S3Transfer | undefined {
  if (!isObject(payload)) return undefined;
  const extra = obj(payload, 'additionalEventData');
  const bytesIn = num(extra, 'bytesTransferredIn');
  const bytesOut = num(extra, 'bytesTransferredOut');
  if (bytesIn === undefined && bytesOut === undefined) return undefined;
  return { bytesIn: bytesIn ?? 0, bytesOut: bytesOut ?? 0 };
}
