import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { corpusPath } from '../../../test/support/corpus.js';
import { ERROR_CODES } from '../../core/errors.js';
import { entityKey, isEntityType } from '../../core/entity.js';
import type { DecodeResult } from '../../core/event.js';
import { isObject, type JsonObject } from '../../core/json.js';
import { cloudtrailDecoder } from './index.js';

const ctx = { origin: { path: 'fuzz', line: 1 }, observedMs: 0 };

/** Used when the corpus is absent, so the mutation tests still run. */
const FALLBACK = String.raw`{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAX:i-0317f6c6b66ae9c40","arn":"arn:aws:sts::123456789123:assumed-role/web/i-0317f6c6b66ae9c40","accountId":"123456789123","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::123456789123:role/web","userName":"web","accountId":"123456789123","principalId":"AROAX"},"attributes":{"mfaAuthenticated":"false","creationDate":"2020-09-14T00:48:30Z"}}},"eventTime":"2020-09-14T01:02:34Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","sourceIPAddress":"1.2.3.4","requestParameters":{"roleArn":"arn:aws:iam::123456789123:role/web","roleSessionName":"i-0317f6c6b66ae9c40","bucketName":"b","key":"k","instancesSet":{"items":[{"instanceId":"i-0317f6c6b66ae9c40"}]}},"responseElements":{"credentials":{"accessKeyId":"ASIANEW"},"assumedRoleUser":{"arn":"arn:aws:sts::123456789123:assumed-role/web/i-0317f6c6b66ae9c40","assumedRoleId":"AROAX:i-0317f6c6b66ae9c40"},"federatedUser":{"arn":"arn:aws:sts::123456789123:federated-user/f"}},"resources":[{"ARN":"arn:aws:s3:::b/k","type":"AWS::S3::Object"},{"ARN":"arn:aws:iam::123456789123:role/web","accountId":"123456789123"}],"eventID":"e1","eventType":"AwsApiCall","recipientAccountId":"123456789123"}`;

/** A few dozen real records of varied shapes: Stratus, OTRF (@timestamp), Panther logs. */
function seeds(): JsonObject[] {
  const out: JsonObject[] = [JSON.parse(FALLBACK) as JsonObject];
  const stratus = corpusPath('stratus-red-team/detonation-logs');
  if (!existsSync(stratus)) return out;
  for (const f of ['aws.credential-access.ec2-steal-instance-credentials.json', 'aws.persistence.sts-federation-token.json', 'aws.credential-access.ec2-get-password-data.json', 'aws.execution.ssm-start-session.json']) {
    const arr: unknown = JSON.parse(readFileSync(`${stratus}/${f}`, 'utf8'));
    if (Array.isArray(arr)) out.push(...arr.slice(0, 4).filter(isObject));
  }
  const otrf = readFileSync(corpusPath('otrf-security-datasets/aws/collection/ec2_proxy_s3_exfiltration_2020-09-14011940.json'), 'utf8').split('\n');
  for (const i of [0, 1, 60, 70, 80, 90, 100]) if (otrf[i]) out.push(JSON.parse(otrf[i]) as JsonObject);
  const panther = readFileSync(corpusPath('panther-analysis-tests/cloudtrail-rule-tests.jsonl'), 'utf8').split('\n');
  for (let i = 0; i < panther.length; i += 23) {
    const t: unknown = panther[i] ? JSON.parse(panther[i] as string) : undefined;
    if (isObject(t) && isObject(t['log'])) out.push(t['log']);
  }
  return out;
}

/** Every path to a value inside the record (objects and arrays), bounded in depth. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  if (depth > 6) return out;
  if (Array.isArray(v)) v.forEach((x, i) => { out.push([...prefix, i]); paths(x, [...prefix, i], out, depth + 1); });
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) { out.push([...prefix, k]); paths(x, [...prefix, k], out, depth + 1); }
  return out;
}

type Mutation = { kind: 'delete' } | { kind: 'set'; value: unknown } | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'delete' }),
  fc.constant<Mutation>({ kind: 'truncate', at: 0 }),
  fc.nat(40).map<Mutation>((at) => ({ kind: 'truncate', at })),
  fc.oneof(
    fc.constant(null), fc.constant(''), fc.constant('x'.repeat(100_000)), fc.constant([]), fc.constant({}), fc.constant([[[]]]),
    fc.constant('AWS Internal'), fc.constant('ANONYMOUS_PRINCIPAL'), fc.constant('i-0123456789abcdef0'), fc.constant('arn:aws:iam::'),
    fc.constant('arn:aws:sts::1:assumed-role/'), fc.integer(), fc.double(), fc.boolean(), fc.jsonValue({ maxDepth: 3 }),
  ).map<Mutation>((value) => ({ kind: 'set', value })),
);

function apply(record: JsonObject, at: (string | number)[], m: Mutation): void {
  let parent: unknown = record;
  for (const k of at.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
  const key = at[at.length - 1];
  if (key === undefined || (typeof parent !== 'object' || parent === null)) return;
  const p = parent as Record<string | number, unknown>;
  if (m.kind === 'delete') delete p[key];
  else if (m.kind === 'set') p[key] = m.value;
  else if (typeof p[key] === 'string') p[key] = (p[key] as string).slice(0, m.at);
}

/** The decoder's contract on any input: no throw, a known code, or a well-formed event. */
function check(record: JsonObject): DecodeResult {
  cloudtrailDecoder.detect(record);
  const r = cloudtrailDecoder.decode(record, ctx);
  if (r.ok) {
    const e = r.event;
    assert.match(e.id, /^ct-/);
    assert.ok(e.id.length <= 131, 'ids stay short');
    assert.equal(e.source, 'cloudtrail');
    assert.ok(Number.isFinite(e.timeMs));
    assert.equal(typeof e.action, 'string');
    const keys = new Set(e.entities.map(entityKey));
    for (const x of e.entities) {
      assert.ok(isEntityType(x.type));
      assert.ok(typeof x.id === 'string' && x.id !== '', `empty ${x.type} id`);
    }
    for (const rel of e.relations) assert.ok(keys.has(rel.from) && keys.has(rel.to), 'relations join entities of the event');
  } else if (!r.skip) {
    assert.ok(r.code in ERROR_CODES, `unknown code ${r.code}`);
    assert.ok(r.message.length > 0 && r.message.length < 300);
  }
  return r;
}

describe('cloudtrail fuzz', () => {
  it('random JSON values and objects never throw', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      if (isObject(v)) check(v);
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.object({ maxDepth: 3 }), (o) => {
      check(o);
    }), { numRuns: 500 });
  });

  it('random values under the CloudTrail member names never throw', () => {
    const member = fc.constantFrom('eventTime', '@timestamp', 'eventSource', 'eventName', 'eventType', 'eventID', 'userIdentity',
      'sourceIPAddress', 'requestParameters', 'responseElements', 'resources', 'recipientAccountId', 'errorCode', 'detail', 'detail-type');
    const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant('2024-01-01T00:00:00Z'), fc.constant('s3.amazonaws.com'), fc.constant('sts.amazonaws.com'));
    fc.assert(fc.property(fc.dictionary(member, value), (o) => {
      check(o as JsonObject);
    }), { numRuns: 1000 });
  });

  it('mutated real records never throw, and failures carry known codes', () => {
    const base = seeds();
    assert.ok(base.length >= 1);
    let events = 0;
    let rejects = 0;
    fc.assert(fc.property(fc.nat(base.length - 1), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 4 }), (i, muts) => {
      const record = structuredClone(base[i]) as JsonObject;
      for (const [n, m] of muts) {
        const all = paths(record);
        if (all.length > 0) apply(record, all[n % all.length] as (string | number)[], m);
      }
      const r = check(record);
      if (r.ok) events++;
      else rejects++;
    }), { numRuns: 800 });
    assert.ok(events > 0 && rejects > 0, `both outcomes are exercised (events ${events}, rejects ${rejects})`);
  });

  it('unmutated seeds decode', () => {
    for (const s of seeds().slice(0, 30)) assert.equal(check(s).ok, true, JSON.stringify(s).slice(0, 200));
  });
});
