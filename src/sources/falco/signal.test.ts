import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPlainEvent, type VigilEvent } from '../../core/event.js';
import type { JsonObject } from '../../core/json.js';
import { falcoDecoder } from './index.js';
import { alertToSignal } from './signal.js';

const ALERT: JsonObject = {
  hostname: 'ip-10-0-1-23',
  output: '10:15:42.123456789: Warning Sensitive file opened | file=/etc/shadow',
  output_fields: { 'container.id': '4f2b1c9a8e7d', 'fd.name': '/etc/shadow', 'proc.name': 'cat', 'proc.pid': 31 },
  priority: 'warning',
  rule: 'Read sensitive file untrusted',
  source: 'syscall',
  tags: ['T1555', 'T1059.004', 'mitre_credential_access', 7, 'container'],
  time: '2026-03-04T10:15:42.123456789Z',
};

function decoded(record: JsonObject): VigilEvent {
  const r = falcoDecoder.decode(record, { origin: { path: 'in.jsonl', line: 3 }, observedMs: 0 });
  if (!r.ok) return assert.fail(JSON.stringify(r));
  return r.event;
}

describe('alertToSignal', () => {
  it('turns an alert event into its signal', () => {
    const event = decoded(ALERT);
    const s = alertToSignal(event);
    assert.ok(s);
    assert.equal(s.id, `sig-${event.id}`);
    assert.equal(s.rule, 'Read sensitive file untrusted');
    assert.equal(s.source, 'syscall');
    assert.equal(s.priority, 'Warning');
    assert.equal(s.time, '2026-03-04T10:15:42.123456789Z');
    assert.equal(s.timeMs, event.timeMs);
    assert.deepEqual(s.tags, ['T1555', 'T1059.004', 'mitre_credential_access', 'container']);
    assert.deepEqual(s.techniques, ['T1555', 'T1059.004']);
    assert.deepEqual(s.input, { path: 'in.jsonl', line: 3 });
    assert.equal(s.eventId, event.id);
    assert.equal(s.output, ALERT['output']);
    assert.deepEqual(
      s.entities.map((e) => `${e.type}:${e.id}`),
      ['node:ip-10-0-1-23', 'container:4f2b1c9a8e7d', 'process:ip-10-0-1-23:4f2b1c9a8e7d:31', 'file:/etc/shadow'],
    );
  });

  it('is deterministic and defaults the source, tags and output', () => {
    const bare = { rule: 'r', priority: 'Notice', time: '2024-01-01T00:00:00Z', output_fields: {} };
    const a = alertToSignal(decoded(bare));
    const b = alertToSignal(decoded(bare));
    assert.ok(a && b);
    assert.equal(a.id, b.id);
    assert.equal(a.source, 'syscall');
    assert.deepEqual(a.tags, []);
    assert.deepEqual(a.techniques, []);
    assert.equal('output' in a, false);
  });

  it('returns undefined for events that are not Falco alerts', () => {
    const event = decoded(ALERT);
    assert.equal(alertToSignal({ ...toPlainEvent(event), source: 'tetragon' }), undefined);
    assert.equal(alertToSignal({ ...toPlainEvent(event), kind: 'process_exec' }), undefined);
    assert.equal(alertToSignal({ ...toPlainEvent(event), payload: null }), undefined);
    assert.equal(alertToSignal({ ...toPlainEvent(event), payload: { ...ALERT, priority: 'nope' } }), undefined);
  });
});
