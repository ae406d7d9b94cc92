/**
 * Cross-source checks over the whole real corpus: every normalized event validates against the
 * published JSON Schema, survives the round trip through Vigil's own format unchanged, and
 * decoding is deterministic.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventToVigilJson } from '../../src/cli/commands/normalize.js';
import { entityKey } from '../../src/core/entity.js';
import { toPlainEvent } from '../../src/core/event.js';
import { decodeFiles } from '../../src/pipeline/decode-files.js';
import { corpusPath, requireCorpus } from '../support/corpus.js';

/** Corpus folders holding telemetry in the four formats (directories are read recursively). */
const TELEMETRY = [
  'falco/alert-examples.jsonl',
  'falco/alert-examples-falcosidekick.jsonl',
  'falco-website-alerts/alerts.jsonl',
  'tetragon/testdata-events.jsonl',
  'tetragon/docs-examples',
  'tetragon/security-observability-with-ebpf/03_chapter/00_four_golden_signals',
  'tetragon/security-observability-with-ebpf/03_chapter/00_process_lifecycle',
  'tetragon/security-observability-with-ebpf/03_chapter/03_security_observability_events',
  'falco-k8s-audit-traces/k8s_audit',
  'falco-k8s-audit-traces/cloudtrail',
  'falco/plugins/k8saudit/testdata/events',
  'falco/plugins/k8saudit/testdata/all_events.jsonl',
  'falco/plugins/cloudtrail/testdata/events',
  'stratus-red-team/detonation-logs',
  'otrf-security-datasets/aws/collection/ec2_proxy_s3_exfiltration_2020-09-14011940.json',
];

const schema = JSON.parse(readFileSync(new URL('../../schemas/vigil-event.schema.json', import.meta.url), 'utf8')) as object;

describe('normalized events from the whole corpus', () => {
  it('validate against schemas/vigil-event.schema.json, with relations between entities of the event', async (t) => {
    if (!requireCorpus(t)) return;
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const { events } = await decodeFiles(TELEMETRY.map(corpusPath));
    assert.ok(events.length > 600, `${events.length} events`);
    for (const e of events) {
      const json = JSON.parse(eventToVigilJson(e)) as unknown;
      assert.ok(validate(json), `${e.origin.path}:${e.origin.line}: ${JSON.stringify(validate.errors)}`);
      const keys = new Set(e.entities.map(entityKey));
      for (const r of e.relations) {
        assert.ok(keys.has(r.from) && keys.has(r.to), `${e.origin.path}:${e.origin.line}: relation ${r.from} ${r.kind} ${r.to} names an entity the event lacks`);
      }
      const ids = e.entities.map(entityKey);
      assert.equal(new Set(ids).size, ids.length, `${e.origin.path}:${e.origin.line}: duplicate entities`);
    }
    const sources = new Set(events.map((e) => e.source));
    assert.deepEqual([...sources].sort(), ['cloudtrail', 'falco', 'k8saudit', 'tetragon']);
  });

  it('round-trip through the vigil format unchanged, and decode deterministically', async (t) => {
    if (!requireCorpus(t)) return;
    const first = await decodeFiles(TELEMETRY.map(corpusPath));
    const second = await decodeFiles(TELEMETRY.map(corpusPath));
    const strip = (es: typeof first.events) => es.map((e) => ({ ...toPlainEvent(e), observedMs: 0 }));
    assert.deepEqual(strip(second.events), strip(first.events));
    assert.deepEqual(second.errors, first.errors);
    // Ids come from the sources' own ids where they exist (CloudTrail eventID, audit auditID +
    // stage), so that re-delivered records deduplicate. The corpus holds some files twice, and a
    // few hand-edited audit fixtures reuse an auditID; an id shared by two events must then name
    // the same request (source, kind, action and time).
    const byId = new Map<string, (typeof first.events)[number]>();
    for (const e of first.events) {
      const seen = byId.get(e.id);
      if (seen === undefined) byId.set(e.id, e);
      else assert.deepEqual([e.source, e.kind, e.action, e.time], [seen.source, seen.kind, seen.action, seen.time], `id ${e.id} shared by different events`);
    }

    const dir = await mkdtemp(join(tmpdir(), 'vigil-roundtrip-'));
    try {
      const file = join(dir, 'events.jsonl');
      await writeFile(file, `${first.events.map(eventToVigilJson).join('\n')}\n`);
      const back = await decodeFiles([file], { format: 'vigil' });
      assert.deepEqual(back.errors, []);
      assert.deepEqual(back.events.map((e) => JSON.parse(eventToVigilJson(e)) as unknown), first.events.map((e) => JSON.parse(eventToVigilJson(e)) as unknown));
      const auto = await decodeFiles([file]);
      assert.equal(auto.events.length, first.events.length, 'auto-detection recognises the vigil format');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
