/**
 * Test-only checks shared by this folder's tests: what every decoded audit event must satisfy,
 * whatever the input.
 */
import assert from 'node:assert/strict';
import { entityKey, isEntityType, RELATION_KINDS } from '../../core/entity.js';
import { ERROR_CODES } from '../../core/errors.js';
import type { DecodeResult, VigilEvent } from '../../core/event.js';
import { parseTime } from '../../core/time.js';

/** Envelope invariants: source and kind, a parseable time that matches timeMs, relations between present entities. */
export function assertEventInvariants(e: VigilEvent): void {
  assert.equal(e.source, 'k8saudit');
  assert.equal(e.kind, 'audit');
  assert.match(e.id, /^k8s-./);
  assert.ok(e.action.length > 0);
  const t = parseTime(e.time);
  assert.ok(t !== undefined, `time ${e.time} is RFC 3339`);
  assert.ok(Math.abs(t.ms - e.timeMs) < 1e-3, `timeMs ${e.timeMs} matches ${e.time}`);
  const keys = new Set<string>();
  for (const x of e.entities) {
    assert.ok(isEntityType(x.type), x.type);
    assert.ok(x.id !== '' && x.name !== '', `${x.type} has an id and name`);
    const k = entityKey(x);
    assert.ok(!keys.has(k), `duplicate entity ${k}`);
    keys.add(k);
  }
  for (const r of e.relations) {
    assert.ok((RELATION_KINDS as readonly string[]).includes(r.kind), r.kind);
    assert.ok(keys.has(r.from) && keys.has(r.to), `relation ${r.from} ${r.kind} ${r.to} joins present entities`);
  }
}

/** A decode outcome is an event satisfying the invariants, a skip, or a reject with a known code. */
export function assertWellFormedResult(r: DecodeResult): void {
  if (r.ok) {
    assertEventInvariants(r.event);
  } else if (!r.skip) {
    assert.ok(Object.hasOwn(ERROR_CODES, r.code), `code ${r.code} is in ERROR_CODES`);
    assert.equal(typeof r.message, 'string');
    assert.ok(r.message.length > 0);
  }
}
