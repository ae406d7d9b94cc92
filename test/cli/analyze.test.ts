import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { corpusPath, requireCorpus } from '../support/corpus.js';

interface Report {
  summary: { events: number; rejected: number; skipped: number; signals: number; threats: number; attacks: number };
  signals: { id: string; rule: string; source: string; priority: string; time: string; tags: string[]; entities: { type: string; id: string; name: string }[]; techniques: string[]; input: { path: string; line: number } }[];
  threats: unknown[];
  attacks: unknown[];
  errors: { input: string; line: number; code: string; message: string }[];
}

async function analyze(...args: string[]): Promise<{ status: number; report: Report; stderr: string }> {
  const io = memoryIo();
  const status = await main(['analyze', '--output', 'json', ...args], io);
  return { status, report: JSON.parse(io.stdout()) as Report, stderr: io.stderr() };
}

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vigil analyze --output json on Falco alerts', () => {
  for (const file of ['falco/alert-examples.jsonl', 'falco/alert-examples-falcosidekick.jsonl']) {
    it(`prints one signal per alert in the contract's shape: ${file}`, async (t) => {
      if (!requireCorpus(t)) return;
      const { status, report } = await analyze(corpusPath(file));
      assert.equal(status, 0);
      assert.deepEqual(report.summary, { events: 3, rejected: 0, skipped: 0, signals: 3, threats: 0, attacks: 0 });
      assert.deepEqual(report.errors, []);
      assert.deepEqual(
        report.signals.map((s) => [s.rule, s.source, s.priority, s.time, s.input.line]),
        [
          ['Read sensitive file untrusted', 'syscall', 'Warning', '2026-03-04T10:15:42.123456789Z', 1],
          ['Create Privileged Pod', 'k8s_audit', 'Warning', '2018-10-25T14:09:12.581541Z', 2],
          ['Console Login Without MFA', 'aws_cloudtrail', 'Critical', '2026-03-04T09:58:03Z', 3],
        ],
      );
      const first = report.signals[0];
      assert.ok(first);
      assert.equal(first.time, '2026-03-04T10:15:42.123456789Z');
      assert.deepEqual(first.techniques, ['T1555']);
      assert.ok(first.entities.some((e) => e.type === 'container' && e.id === '4f2b1c9a8e7d'));
      assert.match(first.id, /\S/);
      // The contract's members, plus Vigil's additions: the event id, Falco's output text and the evidence record.
      assert.deepEqual(Object.keys(first).sort(), ['entities', 'event_id', 'evidence', 'id', 'input', 'output', 'priority', 'rule', 'source', 'tags', 'techniques', 'time']);
      assert.equal((first as unknown as { evidence: { rule?: string } }).evidence.rule, first.rule, 'the evidence is the alert itself');
      for (const s of report.signals) for (const e of s.entities) assert.deepEqual(Object.keys(e).sort(), ['id', 'name', 'type']);
    });
  }

  it('gives the same signal ids for the Falco and falcosidekick forms of the same alerts', async (t) => {
    if (!requireCorpus(t)) return;
    const a = await analyze(corpusPath('falco/alert-examples.jsonl'));
    const b = await analyze(corpusPath('falco/alert-examples-falcosidekick.jsonl'));
    assert.deepEqual(a.report.signals.map((s) => s.id), b.report.signals.map((s) => s.id));
  });

  it('reads the falco.org alerts ({origin, alert} lines): one signal per alert, metrics snapshots excluded', async (t) => {
    if (!requireCorpus(t)) return;
    const { status, report } = await analyze(corpusPath('falco-website-alerts/alerts.jsonl'));
    assert.equal(status, 0);
    assert.equal(report.summary.signals, 15);
    assert.equal(report.summary.skipped, 5);
    assert.equal(report.summary.rejected, 0);
    assert.ok(!report.signals.some((s) => s.rule.startsWith('Falco internal')));
    const counts: Record<string, number> = {};
    for (const s of report.signals) counts[s.rule] = (counts[s.rule] ?? 0) + 1;
    assert.deepEqual(counts, {
      'Terminal shell in container': 7,
      'Disallowed K8s User': 3,
      'Attach/Exec Pod': 2,
      'Contact K8S API Server From Container': 2,
      'K8s Serviceaccount Created': 1,
    });
  });

  it('is deterministic: the same input gives the same output', async (t) => {
    if (!requireCorpus(t)) return;
    const a = await analyze(corpusPath('falco-website-alerts/alerts.jsonl'));
    const b = await analyze(corpusPath('falco-website-alerts/alerts.jsonl'));
    assert.deepEqual(a.report, b.report);
  });
});

describe('vigil analyze on bad input', () => {
  it('reports every bad record with file, line and code, and keeps the good ones around it', async () => {
    const good = JSON.stringify({ hostname: 'h', output: 'o', output_fields: {}, priority: 'Warning', rule: 'R', source: 'syscall', tags: [], time: '2026-01-01T00:00:00Z' });
    const lines = [
      good,
      '{"hostname": "h", "rule": ', // malformed JSON
      JSON.stringify({ hostname: 'h', output: 'o', output_fields: {}, priority: 12, rule: 'R', time: '2026-01-01T00:00:00Z' }), // wrong type
      JSON.stringify({ process_exec: { process: {} }, node_name: 'n' }), // missing time
      JSON.stringify({ some: 'thing' }), // unknown record
      '42',
      `${'['.repeat(5000)}${']'.repeat(5000)}`, // deep nesting, an array
      `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, // deep nesting, an object of no known shape
      JSON.stringify({ process_teleport: { process: { exec_id: 'eA==' } }, node_name: 'n', time: '2026-01-01T00:00:00Z' }), // unknown kind
      JSON.stringify({ eventVersion: '1.09', eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventType: 'AwsTimeTravel', eventTime: '2026-01-01T00:00:00Z' }), // unknown kind
      good,
    ];
    const p = join(dir, 'bad.jsonl');
    await writeFile(p, `${lines.join('\n')}\n`);
    const { status, report, stderr } = await analyze(p);
    assert.equal(status, 0);
    assert.equal(report.summary.events, 2);
    assert.equal(report.summary.signals, 2);
    assert.deepEqual(
      report.errors.map((e) => [e.line, e.code]),
      [
        [2, 'JSON_SYNTAX'],
        [3, 'FIELD_TYPE'],
        [4, 'TIME_INVALID'],
        [5, 'RECORD_UNRECOGNISED'],
        [6, 'RECORD_NOT_OBJECT'],
        [7, 'RECORD_NOT_OBJECT'],
        [8, 'RECORD_UNRECOGNISED'],
        [9, 'KIND_UNKNOWN'],
        [10, 'KIND_UNKNOWN'],
      ],
    );
    assert.equal(report.summary.rejected, 9);
    for (const e of report.errors) assert.equal(e.input, p);
    assert.match(stderr, new RegExp(`${p.replaceAll('/', '\\/')}:2: invalid JSON`));
  });

  it('reports a truncated gzip, a binary file and a 10 MB line, and still reads the rest', async () => {
    const alert = (i: number) => JSON.stringify({ hostname: 'h', output: `o${i}`, output_fields: {}, priority: 'Notice', rule: 'R', source: 'syscall', time: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z` });
    const many = Array.from({ length: 3000 }, (_, i) => alert(i)).join('\n');
    const gz = gzipSync(many);
    await writeFile(join(dir, 'cut.jsonl.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    await writeFile(join(dir, 'core.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 255]));
    await writeFile(join(dir, 'big.jsonl'), `${alert(1)}\n{"x":"${'y'.repeat(10 * 1024 * 1024)}"}\n${alert(2)}\n`);
    const { status, report } = await analyze(join(dir, 'cut.jsonl.gz'), join(dir, 'core.bin'), join(dir, 'big.jsonl'));
    assert.equal(status, 0);
    const codes = report.errors.map((e) => `${e.input.slice(dir.length + 1)}:${e.code}`);
    assert.ok(codes.includes('cut.jsonl.gz:INPUT_GZIP'), codes.join(' '));
    assert.ok(codes.includes('core.bin:INPUT_BINARY'));
    assert.ok(codes.includes('big.jsonl:RECORD_TOO_LARGE'));
    const fromGzip = report.signals.filter((s) => s.input.path.endsWith('cut.jsonl.gz')).length;
    assert.ok(fromGzip > 100 && fromGzip < 3000, `${fromGzip} alerts read before the cut`);
    assert.equal(report.signals.filter((s) => s.input.path.endsWith('big.jsonl')).length, 2);
  });

  it('in the table view, shows the first 50 errors, counts the rest, and keeps only those in memory', async () => {
    const p = join(dir, 'flood.jsonl');
    await writeFile(p, `${Array.from({ length: 120 }, (_, i) => `not json ${i}`).join('\n')}\n`);
    const io = memoryIo();
    assert.equal(await main(['analyze', p], io), 0);
    assert.match(io.stdout(), /rejected {2}120/);
    assert.equal(io.stderr().split('\n').filter((l) => l.includes('[JSON_SYNTAX]')).length, 50);
    assert.match(io.stderr(), /… and 70 more errors/);
  });

  it('exits 1 when an input cannot be read, and 2 on usage errors', async () => {
    const io = memoryIo();
    assert.equal(await main(['analyze', join(dir, 'does-not-exist.json')], io), 1);
    assert.match(io.stderr(), /does-not-exist\.json: cannot read input/);
    assert.equal(await main(['analyze', '--format', 'syslog', 'x'], memoryIo()), 2);
    assert.equal(await main(['analyze'], memoryIo()), 2);
    assert.equal(await main(['frobnicate'], memoryIo()), 2);
  });
});

describe('vigil --help and --version', () => {
  it('prints usage and the version', async () => {
    const io = memoryIo();
    assert.equal(await main(['--help'], io), 0);
    assert.match(io.stdout(), /Usage: vigil/);
    assert.match(io.stdout(), /analyze/);
    const v = memoryIo();
    assert.equal(await main(['--version'], v), 0);
    assert.match(v.stdout(), /^\d+\.\d+\.\d+\n$/);
  });
});

describe('the bundled example telemetry (examples/demo)', () => {
  it('analyzes the bundled telemetry of all four formats and shows the entities the sources share', async () => {
    const io = memoryIo();
    assert.equal(await main(['analyze', fileURLToPath(new URL('../../examples/demo', import.meta.url))], io), 0);
    const out = io.stdout();
    assert.match(out, /events {4}12 {2}\(cloudtrail 3, falco 2, k8saudit 2, tetragon 5\)/);
    assert.match(out, /skipped {3}1 /);
    // the two Falco alerts, what Vigil's default rules find in the other three sources, the
    // miner's connection to a stratum port on the default threat feed, and the command-line
    // model on the dropper and the miner (the demo is too short for any profile to have learned,
    // so novelty stays silent and the model speaks)
    assert.match(out, /signals {3}11/);
    assert.match(out, /2 {2}Command line resembles attack tooling\n/);
    for (const rule of ['Cryptominer process started', 'Connection to mining pool port', 'Shell spawned by server process', 'File downloaded into container', 'Interactive session opened into pod', 'Instance credentials used from outside the instance', 'Connection to a port on a threat feed']) {
      assert.match(out, new RegExp(`1 {2}${rule}\\n`), rule);
    }
    // one pod, named by the Falco alert, the Tetragon events and the audit log alike
    assert.match(out, /pod web-5c7f9d8b6-qk2lp {2}\(falco, k8saudit, tetragon\)/);
    assert.match(out, /container web {2}\(falco, tetragon\)/);
    assert.match(out, /image docker\.io\/acme\/web:2\.3\.1 {2}\(falco, tetragon\)/);
    assert.equal(io.stderr(), '');
  });
});

describe('vigil bench decode', () => {
  it('measures every stage over the generated workload and reports them as JSON (figures not asserted: speed is measured, not tested)', async () => {
    const io = memoryIo();
    assert.equal(await main(['bench', 'decode', '--json', '--records', '400', '--rounds', '1'], io), 0);
    const r = JSON.parse(io.stdout()) as Record<string, { recordsPerSec: number; ratio: number }> & { records: number; events: number; errors: number };
    assert.equal(r.records, 400);
    assert.equal(r.events, 400);
    assert.equal(r.errors, 0);
    for (const stage of ['jsonParse', 'decode', 'decodeEntities', 'decodeEntitiesState', 'file']) {
      assert.ok((r[stage]?.recordsPerSec ?? 0) > 0, stage);
    }
    assert.equal(await main(['bench', 'nothing'], memoryIo()), 2);
  });
});
