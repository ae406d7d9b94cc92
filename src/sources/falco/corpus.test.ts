import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { VigilEvent } from '../../core/event.js';
import type { JsonObject } from '../../core/json.js';
import { isObject } from '../../core/json.js';
import { decodeFiles } from '../../pipeline/decode-files.js';
import { corpusPath, requireCorpus } from '../../../test/support/corpus.js';
import { falcoDecoder } from './index.js';
import { alertToSignal } from './signal.js';

/**
 * Expected outcomes per corpus file, counted independently of the decoder (python over the
 * lines: alerts vs `Falco internal:` records). None of the files holds a malformed record.
 */
const EXPECTED: Record<string, { events: number; skipped: number; errors: number; rules: Record<string, number> }> = {
  'falco/alert-examples.jsonl': {
    events: 3,
    skipped: 0,
    errors: 0,
    rules: { 'Read sensitive file untrusted': 1, 'Create Privileged Pod': 1, 'Console Login Without MFA': 1 },
  },
  'falco/alert-examples-falcosidekick.jsonl': {
    events: 3,
    skipped: 0,
    errors: 0,
    rules: { 'Read sensitive file untrusted': 1, 'Create Privileged Pod': 1, 'Console Login Without MFA': 1 },
  },
  'falco/loader-tests/output_files_single_rule_with_cat_write.json': {
    events: 8,
    skipped: 0,
    errors: 0,
    rules: { open_from_cat: 8 },
  },
  'falco-website-alerts/alerts.jsonl': {
    events: 15,
    skipped: 5,
    errors: 0,
    rules: {
      'Disallowed K8s User': 3,
      'Attach/Exec Pod': 2,
      'K8s Serviceaccount Created': 1,
      'Terminal shell in container': 7,
      'Contact K8S API Server From Container': 2,
    },
  },
};

function ruleCounts(events: readonly VigilEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[e.action] = (out[e.action] ?? 0) + 1;
  return out;
}

function lines(relative: string): JsonObject[] {
  return readFileSync(corpusPath(relative), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JsonObject);
}

describe('falco corpus through the file reader', () => {
  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(file, async (t) => {
      if (!requireCorpus(t)) return;
      const got = await decodeFiles([corpusPath(file)], { decoders: [falcoDecoder], format: 'falco' });
      assert.deepEqual(got.errors, []);
      assert.equal(got.events.length, expected.events);
      assert.equal(got.skipped, expected.skipped);
      assert.deepEqual(ruleCounts(got.events), expected.rules);
      for (const e of got.events) {
        assert.equal(e.source, 'falco');
        assert.equal(e.kind, 'alert');
        assert.ok(alertToSignal(e), `no signal for ${e.origin.path}:${e.origin.line}`);
      }
      assert.equal(new Set(got.events.map((e) => e.id)).size, got.events.length, 'ids are unique within a file');
    });
  }

  it('auto-detection picks the falco decoder for every alert', async (t) => {
    if (!requireCorpus(t)) return;
    const files = Object.keys(EXPECTED).map(corpusPath);
    const got = await decodeFiles(files);
    assert.deepEqual(got.errors, []);
    assert.equal(got.events.length, 29);
    assert.equal(got.events.every((e) => e.source === 'falco'), true);
  });
});

describe('falco corpus: website alerts decoded directly', () => {
  it('15 alerts and 5 skipped metrics snapshots', (t) => {
    if (!requireCorpus(t)) return;
    let events = 0;
    let skipped = 0;
    for (const [i, line] of lines('falco-website-alerts/alerts.jsonl').entries()) {
      const alert = line['alert'];
      assert.ok(isObject(alert));
      assert.equal(falcoDecoder.detect(alert), true);
      const r = falcoDecoder.decode(alert, { origin: { path: 'alerts.jsonl', line: i + 1 }, observedMs: 0 });
      if (r.ok) events++;
      else if (r.skip) skipped++;
      else assert.fail(`line ${i + 1}: ${r.code} ${r.message}`);
    }
    assert.deepEqual({ events, skipped }, { events: 15, skipped: 5 });
  });

  it('a sidekick-trimmed time and a Contact K8S API Server alert', (t) => {
    if (!requireCorpus(t)) return;
    const all = lines('falco-website-alerts/alerts.jsonl').map((l, i) => {
      const r = falcoDecoder.decode(l['alert'] as JsonObject, { origin: { path: 'a', line: i + 1 }, observedMs: 0 });
      return r.ok ? r.event : undefined;
    });
    assert.equal(all[9]?.time, '2021-01-11T23:46:19.82302759Z');
    const api = all[8];
    assert.ok(api);
    const keys = api.entities.map((e) => `${e.type}:${e.id}`).sort();
    assert.deepEqual(keys, [
      'container:12fc4de5ccc3',
      'image:docker.io/devopps/falco-pod-delete:latest',
      'ip:10.96.0.1',
      'ip:172.17.0.9',
      'namespace:openfaas-fn',
      'pod:openfaas-fn/falco-pod-delete-7dc9f5fbb8-gbfk7',
      'process:_:12fc4de5ccc3:handler',
    ]);
    assert.ok(api.relations.some((r) => r.kind === 'connects-to' && r.to === 'ip:10.96.0.1'));
  });
});

describe('falco corpus: the two forms of the examples', () => {
  it('decode to the same id, rule, priority, time and entities', (t) => {
    if (!requireCorpus(t)) return;
    const falco = lines('falco/alert-examples.jsonl');
    const sidekick = lines('falco/alert-examples-falcosidekick.jsonl');
    assert.equal(falco.length, 3);
    assert.equal(sidekick.length, 3);
    const origin = { path: 'x', line: 1 };
    for (let i = 0; i < 3; i++) {
      const a = falcoDecoder.decode(falco[i] as JsonObject, { origin, observedMs: 0 });
      const b = falcoDecoder.decode(sidekick[i] as JsonObject, { origin, observedMs: 0 });
      assert.ok(a.ok && b.ok);
      assert.equal(b.event.id, a.event.id);
      assert.equal(b.event.action, a.event.action);
      assert.equal(b.event.time, a.event.time);
      assert.deepEqual(b.event.entities, a.event.entities);
      assert.equal(alertToSignal(b.event)?.priority, alertToSignal(a.event)?.priority);
      assert.equal(alertToSignal(b.event)?.id, alertToSignal(a.event)?.id);
    }
  });

  it('the syscall example names the expected entities and technique', (t) => {
    if (!requireCorpus(t)) return;
    const r = falcoDecoder.decode(lines('falco/alert-examples.jsonl')[0] as JsonObject, { origin: { path: 'x', line: 1 }, observedMs: 0 });
    assert.ok(r.ok);
    const byType = (type: string) => r.event.entities.filter((e) => e.type === type).map((e) => e.id);
    assert.deepEqual(byType('container'), ['4f2b1c9a8e7d']);
    assert.deepEqual(byType('image'), ['docker.io/falcosecurity/event-generator:latest']);
    assert.deepEqual(byType('pod'), ['falco-test/event-generator-7d9c6b5f4-x2x9k']);
    assert.deepEqual(byType('node'), ['ip-10-0-1-23']);
    assert.deepEqual(byType('file'), ['/etc/shadow']);
    assert.equal(r.event.entities.find((e) => e.type === 'process')?.name, 'event-generator');
    const s = alertToSignal(r.event);
    assert.deepEqual(s?.techniques, ['T1555']);
    assert.equal(s?.priority, 'Warning');
  });
});
