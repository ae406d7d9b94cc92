import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ERROR_CODES } from '../../core/errors.js';
import type { JsonObject } from '../../core/json.js';
import { vigilDecoder } from './index.js';

const ctx = { origin: { path: 'events.jsonl', line: 4 }, observedMs: 5 };

const EVENT: JsonObject = {
  id: 'ct-3f2a2c1e',
  source: 'cloudtrail',
  kind: 'AwsApiCall',
  action: 's3:GetObject',
  time: '2026-11-02T09:17:40Z',
  timeMs: 1793524660000,
  observedMs: 1,
  entities: [{ type: 's3-bucket', id: 'acme-exports', name: 'acme-exports' }, { type: 'ip', id: '198.51.100.77' }],
  relations: [{ from: 'ip:198.51.100.77', kind: 'targets', to: 's3-bucket:acme-exports' }],
  payload: { eventName: 'GetObject' },
  origin: { path: 'trail.json.gz', line: 1 },
};

describe('vigil decoder', () => {
  it('reads a normalized event back, keeping its origin and filling a missing entity name', () => {
    assert.equal(vigilDecoder.detect(EVENT), true);
    const r = vigilDecoder.decode(EVENT, ctx);
    assert.ok(r.ok);
    assert.equal(r.event.id, 'ct-3f2a2c1e');
    assert.deepEqual(r.event.origin, { path: 'trail.json.gz', line: 1 });
    assert.deepEqual(r.event.entities[1], { type: 'ip', id: '198.51.100.77', name: '198.51.100.77' });
    assert.equal(r.event.observedMs, 1);
  });

  it('rejects what the schema does not allow, naming the field', () => {
    const bad = (over: JsonObject) => {
      const r = vigilDecoder.decode({ ...EVENT, ...over }, ctx);
      return r.ok || r.skip ? undefined : [r.code, r.field];
    };
    assert.deepEqual(bad({ source: 'syslog' }), ['SCHEMA_INVALID', 'source']);
    assert.deepEqual(bad({ entities: [{ type: 'planet', id: 'x' }] }), ['SCHEMA_INVALID', 'entities.0.type']);
    assert.deepEqual(bad({ extra: 1 }), ['SCHEMA_INVALID', undefined]);
    assert.deepEqual(bad({ time: 'yesterday' }), ['TIME_INVALID', 'time']);
  });

  it('never throws on random or mutated records, and fails only with known codes', () => {
    const check = (record: JsonObject) => {
      const r = vigilDecoder.decode(record, ctx);
      if (!r.ok && !r.skip) assert.ok(r.code in ERROR_CODES, r.code);
      vigilDecoder.detect(record);
    };
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), check), { numRuns: 500 });
    const keys = Object.keys(EVENT);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }), (key, value) => check({ ...EVENT, [key]: value })),
      { numRuns: 500 },
    );
  });
});
