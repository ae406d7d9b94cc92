import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../core/json.js';
import { cloudtrailDecoder } from './index.js';
import { OTRF_GET_OBJECT, STRATUS_ASSUME_ROLE, STRATUS_START_SESSION, ALICE_START_INSTANCES, decode, event, parse, TEST_CTX as ctx } from './records.fixture.js';
import { entityKeys as keys } from '../../../test/support/events.js';


function rejected(record: JsonObject): { code: string; field: string | undefined; message: string } {
  const r = decode(record);
  if (r.ok || r.skip) assert.fail(`expected a reject, got ${JSON.stringify(r)}`);
  return { code: r.code, field: r.field, message: r.message };
}

/** A minimal valid record with `userIdentity` replaced, for the identity-type cases. */
function withIdentity(userIdentity: unknown, extra: JsonObject = {}): JsonObject {
  return {
    eventVersion: '1.08',
    eventTime: '2024-05-01T10:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    eventType: 'AwsApiCall',
    eventID: 'e-1',
    sourceIPAddress: '198.51.100.7',
    recipientAccountId: '111122223333',
    userIdentity,
    ...extra,
  };
}

describe('cloudtrail detect', () => {
  it('accepts CloudTrail records, the @timestamp variant and EventBridge deliveries', () => {
    for (const text of [OTRF_GET_OBJECT, STRATUS_ASSUME_ROLE, ALICE_START_INSTANCES]) assert.equal(cloudtrailDecoder.detect(parse(text)), true);
    assert.equal(cloudtrailDecoder.detect({ 'detail-type': 'AWS API Call via CloudTrail', detail: parse(STRATUS_START_SESSION) }), true);
    assert.equal(cloudtrailDecoder.detect({ eventName: 'ConsoleLogin', userIdentity: { type: 'Root' } }), true);
  });

  it('rejects the other formats and non-CloudTrail AWS logs', () => {
    const others: JsonObject[] = [
      { rule: 'Terminal shell in container', priority: 'Notice', output: 'x', output_fields: {}, time: '2024-01-01T00:00:00Z' },
      { process_exec: { process: { exec_id: 'a' } }, node_name: 'n1', time: '2024-01-01T00:00:00Z' },
      { kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: 'a', verb: 'get', stage: 'ResponseComplete' },
      { bucket: 'b', operation: 'REST.GET.OBJECT', remoteip: '1.2.3.4', time: '2024-01-01 00:00:00' },
      { eventName: 42, eventSource: 's3.amazonaws.com' },
      {},
    ];
    for (const r of others) assert.equal(cloudtrailDecoder.detect(r), false, JSON.stringify(r));
  });
});

describe('cloudtrail envelope', () => {
  it('maps eventID, eventType, service:eventName and @timestamp', () => {
    const record = parse(OTRF_GET_OBJECT);
    const e = event(record);
    assert.equal(e.id, 'ct-771299cb-e200-4926-9604-c85358b30499');
    assert.equal(e.source, 'cloudtrail');
    assert.equal(e.kind, 'AwsApiCall');
    assert.equal(e.action, 's3:GetObject');
    assert.match(e.time, /^2020-09-14T01:02:34(\.0+)?Z$/);
    assert.equal(e.timeMs, Date.UTC(2020, 8, 14, 1, 2, 34));
    assert.equal(e.observedMs, ctx.observedMs);
    assert.deepEqual(e.origin, ctx.origin);
    assert.equal(e.payload, record, 'payload is the parsed record itself');
  });

  it('keeps other event types and falls back to AwsApiCall', () => {
    const signIn = event(withIdentity({ type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' }, {
      eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn',
    }));
    assert.equal(signIn.kind, 'AwsConsoleSignIn');
    assert.equal(signIn.action, 'signin:ConsoleLogin');
    const { eventType, ...untyped } = withIdentity({ type: 'Root', accountId: '111122223333' });
    assert.equal(eventType, 'AwsApiCall');
    assert.equal(event({ ...untyped, eventType: 7 }).kind, 'AwsApiCall');
    assert.equal(event({ ...untyped, eventSource: 'example.api.aws' }).action, 'example.api.aws:ListUsers');
  });

  it('derives a deterministic id when eventID is absent', () => {
    const a = event(parse(ALICE_START_INSTANCES));
    const b = event(parse(ALICE_START_INSTANCES));
    assert.match(a.id, /^ct-[0-9a-f]{32}$/);
    assert.equal(a.id, b.id);
    const other = event({ ...parse(ALICE_START_INSTANCES), eventTime: '2014-03-06T21:22:55Z' });
    assert.notEqual(other.id, a.id);
  });

  it('reads zone-less exported times as UTC and fractional times to the nanosecond', () => {
    const e = event(withIdentity({ type: 'Root', accountId: '111122223333' }, { eventTime: '2024-06-03 15:23:22.000000000' }));
    assert.equal(e.timeMs, Date.UTC(2024, 5, 3, 15, 23, 22));
    const f = event(withIdentity({ type: 'Root', accountId: '111122223333' }, { eventTime: '2024-06-03T15:23:22.123456789Z' }));
    assert.equal(f.time, '2024-06-03T15:23:22.123456789Z');
  });

  it('unwraps an EventBridge delivery, the detail being the payload', () => {
    const detail = parse(STRATUS_START_SESSION);
    const e = event({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ssm', detail });
    assert.equal(e.id, 'ct-8086b250-d29c-4659-9aec-86c8446a3895');
    assert.equal(e.payload, detail);
  });
});

describe('cloudtrail rejects', () => {
  const base = parse(STRATUS_ASSUME_ROLE);
  const without = (field: string): JsonObject => {
    const copy = { ...base };
    delete copy[field];
    return copy;
  };

  it('FIELD_MISSING for eventSource / eventName, with a hint for lower-case names', () => {
    assert.deepEqual(rejected(without('eventSource')), { code: 'FIELD_MISSING', field: 'eventSource', message: 'eventSource is missing' });
    assert.deepEqual(rejected(without('eventName')), { code: 'FIELD_MISSING', field: 'eventName', message: 'eventName is missing' });
    assert.equal(rejected({ ...base, eventName: '' }).message, 'eventName is empty');
    const lower = rejected({ eventsource: 'iam.amazonaws.com', eventname: 'GetAccountPasswordPolicy', eventtime: '2023-01-10 23:10:06' });
    assert.equal(lower.code, 'FIELD_MISSING');
    assert.match(lower.message, /'eventsource': CloudTrail field names are case-sensitive/);
  });

  it('FIELD_TYPE for a non-string eventSource/eventName or a non-object userIdentity', () => {
    assert.deepEqual(rejected({ ...base, eventName: 42 }), { code: 'FIELD_TYPE', field: 'eventName', message: 'eventName is a number, not a string' });
    assert.equal(rejected({ ...base, eventSource: ['s3'] }).message, 'eventSource is an array, not a string');
    assert.deepEqual(rejected({ ...base, userIdentity: 'root' }), { code: 'FIELD_TYPE', field: 'userIdentity', message: 'userIdentity is a string, not an object' });
  });

  it('TIME_INVALID for a missing, non-string or unparsable time', () => {
    assert.deepEqual(rejected(without('eventTime')), { code: 'TIME_INVALID', field: 'eventTime', message: 'eventTime is missing and there is no @timestamp' });
    assert.equal(rejected({ ...base, eventTime: 'redacted' }).message, 'eventTime "redacted" is not an ISO 8601 time');
    assert.equal(rejected({ ...base, eventTime: 1_700_000_000 }).field, 'eventTime');
    assert.equal(rejected({ ...base, eventTime: '2024-13-01T00:00:00Z' }).code, 'TIME_INVALID');
    const { eventTime, ...shipped } = base;
    assert.equal(typeof eventTime, 'string');
    assert.equal(rejected({ ...shipped, '@timestamp': 'yesterday' }).field, '@timestamp');
    assert.equal(event({ ...shipped, '@timestamp': '2024-07-30T21:31:15.000Z' }).timeMs, Date.UTC(2024, 6, 30, 21, 31, 15));
    assert.match(rejected({ ...base, eventTime: 'x'.repeat(10_000) }).message, /^eventTime "x{64}…" is not/);
  });

  it('KIND_UNKNOWN for an eventType CloudTrail does not define', () => {
    assert.deepEqual(rejected({ ...base, eventType: 'AwsFooBar' }), { code: 'KIND_UNKNOWN', field: 'eventType', message: 'eventType "AwsFooBar" is not a CloudTrail event type Vigil knows' });
  });

  it('RECORD_UNRECOGNISED for a record with no CloudTrail member (an S3 server access log)', () => {
    const r = rejected({ bucket: 'b', operation: 'REST.GET.OBJECT', remoteip: '1.2.3.4', time: '2024-01-01 00:00:00' });
    assert.equal(r.code, 'RECORD_UNRECOGNISED');
    assert.equal(r.field, undefined);
  });

  it('ignores optional members of the wrong type', () => {
    const e = event({
      ...base, sourceIPAddress: 5, recipientAccountId: ['x'], requestParameters: 'x', responseElements: [1], resources: { ARN: 'a' },
      additionalEventData: 'x', userIdentity: { type: 'IAMUser', arn: 12, accountId: true, accessKeyId: {}, sessionContext: [] },
    });
    assert.deepEqual(keys(e), []);
  });
});
