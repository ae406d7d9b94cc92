/**
 * AWS CloudTrail: one management, data, Insight or sign-in record per call (the file reader
 * unwraps `{"Records": [...]}`, arrays, JSON lines and gzip). kind = `eventType`, action =
 * `service:EventName`, id = `ct-<eventID>`.
 */
import type { SourceDecoder } from '../../core/decoder.js';
import { decodeCloudTrail } from './decode.js';
import { detectCloudTrail } from './detect.js';

export const cloudtrailDecoder: SourceDecoder = {
  kind: 'cloudtrail',
  detect: detectCloudTrail,
  decode: decodeCloudTrail,
};

export { s3BytesTransferred, type S3Transfer } from './transfer.js';
