/**
 * Falco's official rule files load with zero errors, with the rule, macro and list counts the
 * corpus design notes established independently (shared/design/falco-language.md §1.1), and
 * every enabled rule compiles. Plugin files whose source Vigil does not read (okta, github,
 * gcpaudit) load too, their rules skipped with a warning each.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { loadRules } from './load.js';
import { RULE_SOURCES } from './sources.js';

const SETS: readonly { readonly name: string; readonly files: readonly string[]; readonly rules: number; readonly enabled: number; readonly macros: number; readonly lists: number }[] = [
  { name: 'stable', files: ['rules/falco_rules.yaml'], rules: 25, enabled: 25, macros: 87, lists: 49 },
  { name: 'stable + incubating', files: ['rules/falco_rules.yaml', 'rules/falco-incubating_rules.yaml'], rules: 56, enabled: 56, macros: 157, lists: 83 },
  { name: 'stable + incubating + sandbox', files: ['rules/falco_rules.yaml', 'rules/falco-incubating_rules.yaml', 'rules/falco-sandbox_rules.yaml'], rules: 93, enabled: 81, macros: 315, lists: 118 },
  { name: 'k8saudit (+ gke overlay)', files: ['plugins/k8saudit/rules/k8s_audit_rules.yaml', 'plugins/k8saudit-gke/rules/k8s_audit_rules_gke.yaml'], rules: 48, enabled: 48, macros: 45, lists: 18 },
  { name: 'cloudtrail', files: ['plugins/cloudtrail/rules/aws_cloudtrail_rules.yaml'], rules: 22, enabled: 20, macros: 0, lists: 1 },
];

const SKIPPED_SOURCES = [
  { name: 'okta', file: 'plugins/okta/rules/okta_rules.yaml', rules: 21 },
  { name: 'github', file: 'plugins/github/rules/github.yaml', rules: 15 },
  { name: 'gcp_auditlog', file: 'plugins/gcpaudit/rules/gcp_auditlog_rules.yaml', rules: 39 },
];

function load(files: readonly string[]) {
  return loadRules(files.map((f) => ({ name: f, text: readFileSync(corpusPath(`falco/${f}`), 'utf8') })), RULE_SOURCES);
}

describe("Falco's official rule files", () => {
  for (const s of SETS) {
    it(`loads ${s.name} with no errors and Falco's counts`, (t) => {
      if (!requireCorpus(t)) return;
      const set = load(s.files);
      assert.deepEqual(set.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line} ${d.message}`), []);
      assert.deepEqual(set.counts, { files: s.files.length, rules: s.rules, enabled: s.enabled, macros: s.macros, lists: s.lists });
      // Every rule compiled, enabled or not.
      assert.equal(set.rules.length, s.rules);
    });
  }

  for (const s of SKIPPED_SOURCES) {
    it(`loads the ${s.name} rules with no errors, skipping each rule of the unread source with a warning`, (t) => {
      if (!requireCorpus(t)) return;
      const set = load([s.file]);
      assert.deepEqual(set.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.equal(set.diagnostics.filter((d) => d.code === 'SOURCE_UNKNOWN').length, s.rules);
      assert.equal(set.rules.length, 0);
    });
  }

  it('derives the event types of the syscall rules from their conditions', (t) => {
    if (!requireCorpus(t)) return;
    const set = load(SETS[2]?.files ?? []);
    const rule = (name: string) => set.rules.find((r) => r.name === name);
    const shell = rule('Terminal shell in container');
    assert.ok(shell?.types !== undefined && !shell.types.all);
    assert.deepEqual([...shell.types.names].sort(), ['execve', 'execveat']);
    // Every syscall type the official rules name (41, design notes §4.5) is indexed by some rule.
    const named = new Set(set.rules.flatMap((r) => (r.types === undefined || r.types.all ? [] : [...r.types.names])));
    for (const type of ['connect', 'openat', 'setns', 'ptrace', 'unlinkat', 'renameat2', 'bpf', 'finit_module', 'userfaultfd']) assert.ok(named.has(type), type);
  });
});
