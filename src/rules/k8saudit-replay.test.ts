/**
 * Falco's Kubernetes audit replay tests (plugins/k8saudit/testdata/expectations.json, from the
 * legacy falco_k8s_audit_tests.yaml): load the listed rule files, replay one audit event file,
 * and compare the alerts per rule. Rules changed since 2023, so some expectations no longer hold
 * against today's k8s_audit_rules.yaml; those cases are listed with the reason.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { assertDeviations } from '../../test/support/deviations.js';
import { decodeFiles } from '../pipeline/decode-files.js';
import { Detector } from './detect.js';
import { loadRules } from './load.js';
import { RULE_SOURCES } from './sources.js';

interface Expectation {
  readonly test: string;
  readonly event_file: string;
  readonly rules_files: readonly string[];
  readonly expect_detect: boolean;
  readonly detect_counts: Readonly<Record<string, number>>;
  readonly stderr_contains?: string;
}

/**
 * Names renamed in the k8saudit rules since the suite was written: the fixtures' lists
 * (`falco_privileged_images` is now `k8s_audit_privileged_images`…) and the expected rules (the
 * combined Role/ClusterRole rules were split; these events are all cluster-scoped). Applied only
 * with today's rule file, and counted separately in the report.
 */
const LIST_RENAMES: Readonly<Record<string, string>> = {
  falco_sensitive_mount_images: 'k8s_audit_sensitive_mount_images',
  falco_privileged_images: 'k8s_audit_privileged_images',
  falco_hostnetwork_images: 'k8s_audit_hostnetwork_images',
};
const RULE_RENAMES: Readonly<Record<string, string>> = {
  'K8s Role/Clusterrole Created': 'K8s ClusterRole Created',
  'K8s Role/Clusterrole Deleted': 'K8s ClusterRole Deleted',
  'K8s Role/Clusterrolebinding Created': 'K8s ClusterRoleBinding Created',
  'K8s Role/Clusterrolebinding Deleted': 'K8s ClusterRoleBinding Deleted',
};

function port(text: string): { readonly text: string; readonly changed: boolean } {
  let out = text;
  for (const [from, to] of Object.entries(LIST_RENAMES)) out = out.replace(new RegExp(`\\b${from}\\b`, 'g'), to);
  return { text: out, changed: out !== text };
}

/** `shared/corpus/x (a note)` → the corpus path of x. */
function corpusFile(entry: string): string {
  const path = entry.split(' ')[0] as string;
  return corpusPath(path.replace(/^shared\/corpus\//, ''));
}

describe('k8saudit replay expectations (expectations.json)', () => {
  it('produces the expected alerts per rule', async (t) => {
    if (!requireCorpus(t)) return;
    const data = JSON.parse(readFileSync(corpusPath('falco/plugins/k8saudit/testdata/expectations.json'), 'utf8')) as { tests: Expectation[] };
    const failures = new Map<string, string>();
    let ported = 0;
    for (const c of data.tests) {
      // The frozen engine-v4 rules still define the old names, so nothing is ported next to them.
      const today = c.rules_files.some((f) => f.includes('plugins/k8saudit/rules/k8s_audit_rules.yaml')) && !c.rules_files.some((f) => f.includes('engine_v4_k8s_audit_rules'));
      let changed = false;
      const files = c.rules_files.map((f) => {
        const text = readFileSync(corpusFile(f), 'utf8');
        const p = today && f.includes('/testdata/rules/') ? port(text) : { text, changed: false };
        changed ||= p.changed;
        return { name: f.split(' ')[0] as string, text: p.text };
      });
      const set = loadRules(files, RULE_SOURCES);
      const errors = set.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        failures.set(c.test, `rules do not load: ${errors.map((d) => d.message).join(' | ')}`);
        continue;
      }
      const detector = new Detector(set, 'first');
      const decoded = await decodeFiles([corpusFile(c.event_file)], { format: 'k8saudit' });
      if (c.stderr_contains !== undefined) {
        // The malformed-input case: Falco reports the record; so must Vigil, without an event.
        if (decoded.errors.length === 0 || decoded.events.length > 0) failures.set(c.test, 'malformed input was not reported');
        continue;
      }
      const counts: Record<string, number> = {};
      for (const ev of decoded.events) for (const s of detector.detect(ev)) counts[s.rule] = (counts[s.rule] ?? 0) + 1;
      const expected = today ? Object.entries(c.detect_counts).map(([rule, n]) => [RULE_RENAMES[rule] ?? rule, n] as const) : Object.entries(c.detect_counts);
      changed ||= today && Object.keys(c.detect_counts).some((r) => RULE_RENAMES[r] !== undefined);
      const want = JSON.stringify(expected.sort());
      const got = JSON.stringify(Object.entries(counts).sort());
      if (want !== got) failures.set(c.test, `alerts ${got}, expected ${want}`);
      else if (changed) ported++;
    }
    t.diagnostic(`${ported} cases pass with renamed lists or rules ported to today's names`);
    t.diagnostic(assertDeviations('k8saudit-replay', data.tests.length, failures));
  });
});
