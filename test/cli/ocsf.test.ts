/**
 * `vigil analyze --output ocsf` over real telemetry: one OCSF Detection Finding per signal, with
 * the class, activity and type ids OCSF fixes, the severity Falco's priority maps to, whole
 * millisecond times, ATT&CK attacks named from the catalogue, and the evidence record.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { technique } from '../../src/core/attack.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { corpusPath, requireCorpus } from '../support/corpus.js';

interface Finding {
  class_uid: number;
  category_uid: number;
  activity_id: number;
  type_uid: number;
  severity_id: number;
  severity: string;
  status_id: number;
  is_alert: boolean;
  time: number;
  message: string;
  metadata: { version: string; product: { name: string; vendor_name: string; version: string }; uid: string; original_time: string };
  finding_info: {
    uid: string;
    title: string;
    analytic: { name: string; type_id: number; category: string };
    attacks?: { technique: { uid: string; name?: string }; sub_technique?: { uid: string; name: string }; tactic?: { uid: string; name: string }; version: string }[];
    first_seen_time: number;
  };
  resources?: { uid: string; name: string; type: string }[];
  evidences?: { uid: string; data: unknown }[];
  unmapped: { vigil: { source: string; priority: string; tags: string[]; event_id: string } };
}

interface Signal {
  id: string;
  rule: string;
  priority: string;
  time: string;
  techniques: string[];
  entities: { type: string; id: string }[];
  event_id: string;
}

const SEVERITY: Record<string, [number, string]> = {
  Emergency: [6, 'Fatal'], Alert: [5, 'Critical'], Critical: [5, 'Critical'], Error: [4, 'High'],
  Warning: [3, 'Medium'], Notice: [2, 'Low'], Informational: [1, 'Informational'], Debug: [1, 'Informational'],
};

async function run(format: string, paths: string[]): Promise<{ status: number; stdout: string }> {
  const io = memoryIo();
  const status = await main(['analyze', '--output', format, '--no-progress', ...paths], io);
  return { status, stdout: io.stdout() };
}

describe('vigil analyze --output ocsf', () => {
  it('writes one Detection Finding per signal, mapped from the signal', async (t) => {
    if (!requireCorpus(t)) return;
    const inputs = [corpusPath('stratus-red-team'), corpusPath('falco-website-alerts'), corpusPath('falco/plugins/k8saudit/testdata/events')];
    const json = await run('json', inputs);
    const ocsf = await run('ocsf', inputs);
    assert.equal(json.status, 0);
    assert.equal(ocsf.status, 0);
    const signals = (JSON.parse(json.stdout) as { signals: Signal[] }).signals;
    const lines = ocsf.stdout.split('\n').filter((l) => l !== '');
    assert.ok(signals.length > 20, `the corpus raises signals (${signals.length})`);
    assert.equal(lines.length, signals.length);

    let attacks = 0;
    lines.forEach((line, i) => {
      const f = JSON.parse(line) as Finding;
      const s = signals[i] as Signal;
      assert.deepEqual([f.class_uid, f.category_uid, f.activity_id, f.type_uid, f.status_id, f.is_alert], [2004, 2, 1, 200401, 1, true]);
      assert.equal(f.metadata.version, '1.4.0');
      assert.equal(f.metadata.product.name, 'Vigil');
      assert.match(f.metadata.product.version, /^\d+\.\d+\.\d+/);
      assert.deepEqual([f.severity_id, f.severity], SEVERITY[s.priority], `severity of ${s.priority}`);
      assert.equal(f.finding_info.uid, s.id);
      assert.equal(f.metadata.uid, s.id);
      assert.equal(f.finding_info.title, s.rule);
      assert.deepEqual([f.finding_info.analytic.name, f.finding_info.analytic.type_id], [s.rule, 1]);
      assert.ok(Number.isInteger(f.time), 'OCSF times are whole milliseconds');
      assert.equal(f.time, Math.floor(Date.parse(s.time.replace(/(\.\d{3})\d+/, '$1'))));
      assert.equal(f.finding_info.first_seen_time, f.time);
      assert.equal(f.metadata.original_time, s.time);
      assert.ok(f.message.length > 0);
      assert.deepEqual((f.resources ?? []).map((r) => [r.type, r.uid]), s.entities.map((e) => [e.type, e.id]));
      assert.equal(f.evidences?.[0]?.uid, s.event_id);
      assert.ok(f.evidences?.[0]?.data !== undefined, 'the original record is the evidence');
      assert.equal(f.unmapped.vigil.event_id, s.event_id);

      const found = f.finding_info.attacks ?? [];
      assert.equal(found.length, s.techniques.length);
      found.forEach((a, k) => {
        const id = s.techniques[k] as string;
        const known = technique(id);
        assert.ok(known, `${id} is a live ATT&CK technique`);
        assert.equal((a.sub_technique ?? a.technique).uid, id);
        assert.equal((a.sub_technique ?? a.technique).name, known.name);
        if (a.sub_technique !== undefined) assert.equal(a.technique.uid, known.parent);
        assert.ok(a.tactic !== undefined && known.tactics.some((x) => x.id === a.tactic?.uid), `${id}'s tactic is one of its own`);
        attacks++;
      });
    });
    assert.ok(attacks > 10, `techniques are mapped (${attacks})`);
  });
});
