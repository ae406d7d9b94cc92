import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DecodeResult } from '../../core/event.js';
import { ERROR_CODES } from '../../core/errors.js';
import { isObject, type JsonObject } from '../../core/json.js';
import { decode } from './decode.js';
import { detect } from './detect.js';
import { createProcessTree } from './process-tree.js';
import {
  CAP_CAPABLE_KPROBE,
  copy,
  CTX,
  FILE_ACCESS_KPROBE,
  LSM,
  MERLIN_CONNECT,
  NSENTER_EXEC,
  RATE_LIMIT,
  TCP_CONNECT,
  THROTTLE,
  TRACEPOINT,
  UPROBE,
  WHOAMI_EXIT,
  WITH_ANCESTORS,
} from './test-fixtures.js';

const SEEDS = [NSENTER_EXEC, FILE_ACCESS_KPROBE, MERLIN_CONNECT, WHOAMI_EXIT, CAP_CAPABLE_KPROBE, THROTTLE, TRACEPOINT, LSM, UPROBE, TCP_CONNECT, WITH_ANCESTORS, RATE_LIMIT];

/** Checks one outcome: an event is well formed, a failure carries a known code. */
function checkResult(r: DecodeResult): void {
  if (r.ok) {
    assert.match(r.event.id, /^tg-[0-9a-f]{32}$/);
    assert.equal(r.event.source, 'tetragon');
    assert.equal(typeof r.event.action, 'string');
    assert.ok(Number.isFinite(r.event.timeMs));
    for (const e of r.event.entities) assert.ok(e.id !== '' && typeof e.id === 'string');
    for (const rel of r.event.relations) assert.notEqual(rel.from, rel.to);
  } else if (!r.skip) {
    assert.ok(r.code in ERROR_CODES, `unknown code ${r.code}`);
    assert.ok(r.message.length > 0);
  }
}

/** Every path (as keys / indexes) inside a JSON value. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((v, i) => { out.push([...prefix, i]); paths(v, [...prefix, i], out); });
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) { out.push([...prefix, k]); paths(v, [...prefix, k], out); }
  return out;
}

type Mutation = 'delete' | 'replace' | 'null' | 'truncate' | 'array' | 'huge';

/** Applies one mutation at `at` in a copy of `record`. */
function mutate(record: JsonObject, at: (string | number)[], how: Mutation, value: unknown): JsonObject {
  const out = copy(record);
  let parent: unknown = out;
  for (const k of at.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
  const key = at[at.length - 1] as string | number;
  const holder = parent as Record<string | number, unknown>;
  const old = holder[key];
  if (how === 'delete') {
    if (Array.isArray(holder)) holder.splice(key as number, 1);
    else delete holder[key];
  } else if (how === 'replace') holder[key] = value;
  else if (how === 'null') holder[key] = null;
  else if (how === 'truncate') holder[key] = typeof old === 'string' ? old.slice(0, Math.floor(old.length / 2)) : old;
  else if (how === 'array') holder[key] = [old];
  else holder[key] = 'x'.repeat(100_000);
  return out;
}

describe('tetragon fuzz', () => {
  it('random JSON values never make detect or decode throw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        if (!isObject(v)) return;
        detect(v);
        checkResult(decode(v, CTX));
      }),
      { numRuns: 500 },
    );
  });

  it('random objects under an event key never make decode throw', () => {
    const type = fc.constantFrom('process_exec', 'process_exit', 'process_kprobe', 'process_tracepoint', 'process_lsm', 'process_uprobe', 'process_loader', 'process_throttle', 'rate_limit_info', 'process_connect', 'process_listen', 'process_foo', 'test');
    const time = fc.oneof(fc.constant('2024-05-01T10:00:00.123456789Z'), fc.string(), fc.integer(), fc.constant(null));
    fc.assert(
      fc.property(type, fc.object(), time, fc.option(fc.jsonValue()), (t, body, tm, node) => {
        const record: JsonObject = { [t]: body, time: tm, node_name: node };
        assert.equal(typeof detect(record), 'boolean');
        checkResult(decode(record, CTX));
      }),
      { numRuns: 500 },
    );
  });

  it('mutated real records never throw, in decode or in the process tree', () => {
    const tree = createProcessTree({ maxEntries: 50 });
    const seed = fc.constantFrom(...SEEDS);
    const how = fc.constantFrom<Mutation>('delete', 'replace', 'null', 'truncate', 'array', 'huge');
    fc.assert(
      fc.property(seed, fc.nat(), how, fc.jsonValue(), fc.nat({ max: 3 }), (record, pick, mutation, value, extra) => {
        let r = record;
        for (let i = 0; i <= extra; i++) {
          const all = paths(r);
          if (all.length === 0) break;
          r = mutate(r, all[(pick + i * 7) % all.length] as (string | number)[], mutation, value);
        }
        assert.equal(typeof detect(r), 'boolean');
        const result = decode(r, CTX);
        checkResult(result);
        if (result.ok) {
          const ev = tree.observe(result.event);
          assert.equal(ev.id, result.event.id);
        }
        assert.ok(tree.processCount <= 50);
      }),
      { numRuns: 1000 },
    );
  });

  it('the seeds themselves decode (so the mutations start from events)', () => {
    for (const s of SEEDS) assert.equal(decode(s, CTX).ok, true);
  });
});
