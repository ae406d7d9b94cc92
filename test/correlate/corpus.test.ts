/**
 * The correlation stage over the real telemetry in the shared corpus: the Tetragon walk-through
 * (a privileged pod, nsenter into the host, a C2 agent, archive and scp out) is a container
 * escape followed by exfiltration; the OTRF records are a stolen instance-credential S3 theft;
 * Stratus Red Team detonates one technique at a time, which raises threats but completes no
 * kill chain.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { corpusPath, requireCorpus } from '../support/corpus.js';

interface Report {
  summary: { events: number; signals: number; threats: number; attacks: number };
  threats: { name: string; techniques: string[] }[];
  attacks: { intent: string; name: string; techniques: string[]; tactics: string[]; entities: { type: string; name: string }[]; threats: string[]; detected_at: string }[];
}

async function analyze(path: string): Promise<Report> {
  const io = memoryIo();
  await main(['analyze', '--output', 'json', path], io);
  return JSON.parse(io.stdout()) as Report;
}

describe('correlation on the real corpus', () => {
  it('the Tetragon walk-through is a container escape followed by exfiltration', async (t) => {
    if (!requireCorpus(t)) return;
    const r = await analyze(corpusPath('tetragon/security-observability-with-ebpf/03_chapter/03_security_observability_events'));
    assert.deepEqual(r.attacks.map((a) => a.intent).sort(), ['container-escape', 'data-exfiltration']);
    const escape = r.attacks.find((a) => a.intent === 'container-escape');
    assert.ok(escape?.techniques.includes('T1611'));
    assert.ok(escape?.entities.some((e) => e.type === 'node' && e.name === 'minikube'));
    assert.ok(escape?.entities.some((e) => e.type === 'pod' && e.name === 'privileged-pod'));
    const exfil = r.attacks.find((a) => a.intent === 'data-exfiltration');
    assert.ok(exfil?.techniques.includes('T1048'));
    assert.ok((exfil?.detected_at ?? '') > (escape?.detected_at ?? ''), 'the exfiltration comes after the escape');
  });

  it('the OTRF records are data read with stolen instance credentials', async (t) => {
    if (!requireCorpus(t)) return;
    const r = await analyze(corpusPath('otrf-security-datasets/aws'));
    assert.deepEqual(r.attacks.map((a) => a.intent), ['data-exfiltration']);
    assert.ok(r.attacks[0]?.entities.some((e) => e.type === 's3-bucket'));
    assert.ok(r.attacks[0]?.techniques.includes('T1552.005'));
  });

  it('Stratus Red Team detonations raise threats, not attacks', async (t) => {
    if (!requireCorpus(t)) return;
    const r = await analyze(corpusPath('stratus-red-team/detonation-logs'));
    assert.equal(r.summary.attacks, 0);
    const names = new Set(r.threats.map((x) => x.name));
    for (const n of ['Cloud logging disabled', 'GPU compute launched', 'Data shared outside the account', 'Console sign-in without MFA']) assert.ok(names.has(n), n);
  });
});
