/**
 * `vigil rules check` and `vigil analyze` with rules, through the command line as users run
 * them: exit codes, JSON report, positions of problems, extra rule files, --no-default-rules,
 * --rule-matching.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { corpusPath, requireCorpus } from '../support/corpus.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-rules-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const status = await main(args, io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

const BAD = `- macro: m
  condition: proc.nmae = bash
- rule: uses m
  desc: d
  condition: evt.type = execve and m
  output: o
  priority: WARNING
- rule: bad syntax
  desc: d
  condition: evt.type = execve and and
  output: o
  priority: WARNING
- rule: fine
  desc: d
  condition: evt.type = execve
  output: ok %proc.name
  priority: LOUD
`;

describe('vigil rules check', () => {
  it('reports every error with file, line and column, and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, BAD);
    const { status, stdout } = await run('rules', 'check', file);
    assert.equal(status, 1);
    assert.match(stdout, new RegExp(`${file.replace(/[/.]/g, '\\$&')}:2:14: error CONDITION_COMPILE: unknown field 'proc.nmae'`));
    assert.match(stdout, /bad\.yaml:10:36: error CONDITION_SYNTAX/);
    assert.match(stdout, /bad\.yaml:17:13: error PRIORITY_INVALID/);
    assert.match(stdout, /3 error\(s\)/);
  });

  it('prints the contract JSON', async () => {
    const file = join(dir, 'bad2.yaml');
    await writeFile(file, BAD);
    const { status, stdout } = await run('rules', 'check', '--output', 'json', file);
    assert.equal(status, 1);
    const r = JSON.parse(stdout) as { files: number; rules: number; enabled: number; errors: { file: string; line: number; code: string; message: string }[]; warnings: unknown[] };
    assert.equal(r.files, 1);
    // the rule with a bad priority is not defined; the two others are, though they do not compile
    assert.equal(r.rules, 2);
    assert.equal(r.enabled, 0);
    assert.deepEqual(r.errors.map((e) => [e.line, e.code]), [[17, 'PRIORITY_INVALID'], [2, 'CONDITION_COMPILE'], [10, 'CONDITION_SYNTAX']]);
    assert.ok(r.errors.every((e) => e.file === file));
  });

  it("exits 0 on Falco's official rules, loaded in order", async (t) => {
    if (!requireCorpus(t)) return;
    const { status, stdout } = await run('rules', 'check', corpusPath('falco/rules/falco_rules.yaml'), corpusPath('falco/rules/falco-incubating_rules.yaml'), corpusPath('falco/rules/falco-sandbox_rules.yaml'));
    assert.equal(status, 0, stdout);
    assert.match(stdout, /93 rules \(81 enabled and compiled\), 315 macros, 118 lists; 0 error\(s\)/);
  });

  it('reports a missing path as an error', async () => {
    const { status, stdout } = await run('rules', 'check', join(dir, 'nope.yaml'));
    assert.equal(status, 1);
    assert.match(stdout, /FILE_UNREADABLE: cannot read rules: ENOENT/);
  });
});

describe('vigil analyze with rules', () => {
  it('refuses to run with rule errors, naming them (exit 1)', async () => {
    const file = join(dir, 'bad3.yaml');
    await writeFile(file, BAD);
    const { status, stdout, stderr } = await run('analyze', '--rules', file, join(dir, 'bad3.yaml'));
    assert.equal(status, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /bad3\.yaml:2:14: error CONDITION_COMPILE/);
    assert.match(stderr, /3 error\(s\) in the rules; nothing analyzed/);
  });

  it("runs Falco's k8saudit rules alone (--no-default-rules) on the audit traces", async (t) => {
    if (!requireCorpus(t)) return;
    const { status, stdout } = await run('analyze', '--output', 'json', '--no-default-rules', '--rules', corpusPath('falco/plugins/k8saudit/rules/k8s_audit_rules.yaml'), corpusPath('falco/plugins/k8saudit/testdata/events/create_nginx_pod_privileged.json'));
    assert.equal(status, 0);
    const r = JSON.parse(stdout) as { signals: { rule: string; source: string; priority: string; output: string; event_id: string }[] };
    assert.deepEqual(r.signals.map((s) => [s.rule, s.source, s.priority]), [['Create Privileged Pod', 'k8s_audit', 'Warning']]);
    assert.match(r.signals[0]?.output ?? '', /^Pod started with privileged container \(user=system:serviceaccount:kube-system:replicaset-controller pod=nginx-deployment-5cdcc99dbf-rgw6z resource=pods ns=default images=\(nginx\) init_images=<NA>/);
  });

  it('fires every matching rule with --rule-matching all, only the first by default', async (t) => {
    if (!requireCorpus(t)) return;
    const extra = join(dir, 'extra.yaml');
    await writeFile(extra, `- rule: Any pod creation
  desc: every pod created
  condition: ka.verb = create and ka.target.resource = pods
  output: pod %ka.target.name created
  priority: INFO
  source: k8s_audit
  tags: [T1610]
`);
    const args = ['--output', 'json', '--no-default-rules', '--rules', corpusPath('falco/plugins/k8saudit/rules/k8s_audit_rules.yaml'), '--rules', extra, corpusPath('falco/plugins/k8saudit/testdata/events/create_nginx_pod_privileged.json')];
    const first = JSON.parse((await run('analyze', ...args)).stdout) as { signals: { rule: string; techniques: string[] }[] };
    const all = JSON.parse((await run('analyze', '--rule-matching', 'all', ...args)).stdout) as { signals: { rule: string; techniques: string[] }[] };
    assert.deepEqual(first.signals.map((s) => s.rule), ['Create Privileged Pod']);
    assert.deepEqual(all.signals.map((s) => s.rule), ['Create Privileged Pod', 'Any pod creation']);
    assert.deepEqual(all.signals[1]?.techniques, ['T1610']);
  });
});
