/**
 * Event steps and field aggregates over real CloudTrail records (the OTRF GetObject with the
 * stolen instance-role session): a Falco condition picks the events, `sum` adds up a numeric
 * field and `distinct` counts an entity's values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OTRF_GET_OBJECT, event, parse } from '../../src/sources/cloudtrail/records.fixture.js';
import { engineFor } from '../../src/correlate/testing.js';
import type { VigilEvent } from '../../src/core/event.js';

/** The OTRF GetObject of `key` with `bytes` out, `seconds` after its own time. */
function getObject(key: string, bytes: number, seconds: number): VigilEvent {
  const r = parse(OTRF_GET_OBJECT);
  (r['requestParameters'] as Record<string, unknown>)['key'] = key;
  (r['resources'] as Record<string, unknown>[])[0] = { ARN: `arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a/${key}`, type: 'AWS::S3::Object' };
  (r['additionalEventData'] as Record<string, unknown>)['bytesTransferredOut'] = bytes;
  r['eventID'] = `id-${key}-${seconds}`;
  r['@timestamp'] = new Date(Date.parse('2020-09-14T01:02:34.000Z') + seconds * 1000).toISOString();
  return event(r);
}

describe('event steps', () => {
  it('sum adds up a numeric field of the events a condition picks', () => {
    const yaml = `
- threat: Large download
  techniques: [T1530]
  by: aws-principal
  within: 10m
  sequence:
    - event: {source: aws_cloudtrail, condition: "ct.name = GetObject and s3.bytes.out > 0"}
      sum: {of: s3.bytes.out, min: 1000000}
`;
    const small = engineFor(yaml);
    for (let i = 0; i < 5; i++) small.event(getObject(`k${i}`, 100_000, i));
    assert.equal(small.threats.length, 0, '500 kB in all');
    const big = engineFor(yaml);
    for (let i = 0; i < 12; i++) big.event(getObject(`k${i}`, 100_000, i));
    assert.equal(big.threats.length, 1);
    const t = big.threats[0];
    assert.equal(t?.detectedAt, '2020-09-14T01:02:43Z', 'the tenth 100 kB read completes a megabyte');
    assert.ok(t?.entities.some((e) => e.type === 'aws-principal' && e.name.endsWith('/i-0317f6c6b66ae9c40')));
    assert.equal(t?.signals.length, 0);
    assert.equal(t?.events.length, 12);
  });

  it('distinct counts different objects, not repeated reads of one', () => {
    const yaml = `
- threat: Many objects
  techniques: [T1530]
  by: aws-principal
  within: 10m
  sequence:
    - event: {source: aws_cloudtrail, condition: "ct.name = GetObject"}
      distinct: {of: s3-object, min: 3}
`;
    const same = engineFor(yaml);
    for (let i = 0; i < 6; i++) same.event(getObject('ring.txt', 89, i));
    assert.equal(same.threats.length, 0);
    const many = engineFor(yaml);
    for (let i = 0; i < 6; i++) many.event(getObject(`f${i % 3}.txt`, 89, i));
    assert.equal(many.threats.length, 1);
    assert.equal(many.threats[0]?.detectedAt, '2020-09-14T01:02:36Z');
  });

  it('until on a raw event ends the partial matches of its key', () => {
    const yaml = `
- threat: Two reads
  techniques: [T1530]
  by: aws-principal
  within: 10m
  sequence:
    - event: {source: aws_cloudtrail, condition: "ct.name = GetObject and s3.key = a"}
    - event: {source: aws_cloudtrail, condition: "ct.name = GetObject and s3.key = b"}
  until: {event: {source: aws_cloudtrail, condition: "ct.name = GetObject and s3.key = reset"}}
`;
    const plain = engineFor(yaml);
    plain.event(getObject('a', 1, 0));
    plain.event(getObject('b', 1, 2));
    assert.equal(plain.threats.length, 1);
    const reset = engineFor(yaml);
    reset.event(getObject('a', 1, 0));
    reset.event(getObject('reset', 1, 1));
    reset.event(getObject('b', 1, 2));
    assert.equal(reset.threats.length, 0);
  });
});
