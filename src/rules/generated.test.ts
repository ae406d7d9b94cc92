/**
 * Generated predicates (the default) and compiled closures must agree on every rule and every
 * event: both rule sets run with `--rule-matching all` over the generated benchmark workloads
 * and the real corpus, and the rules that fire on each event are compared. So must the indexed
 * engine and trying every rule of the event's source.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeLines } from '../../test/support/events.js';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { k8sAuditWorkload, tetragonWorkload } from '../bench/rules-workload.js';
import { decodeFiles } from '../pipeline/decode-files.js';
import { RuleEngine } from './engine.js';
import { loadRules } from './load.js';
import { RULE_SOURCES, SOURCE_BINDINGS } from './sources.js';

describe('generated predicates', () => {
  it('fire exactly the rules the compiled closures fire', async (t) => {
    if (!requireCorpus(t)) return;
    const files = [
      'falco/rules/falco_rules.yaml',
      'falco/rules/falco-incubating_rules.yaml',
      'falco/rules/falco-sandbox_rules.yaml',
      'falco/plugins/k8saudit/rules/k8s_audit_rules.yaml',
      'falco/plugins/cloudtrail/rules/aws_cloudtrail_rules.yaml',
    ].map((f) => ({ name: f, text: readFileSync(corpusPath(f), 'utf8') }));
    files.push({ name: 'vigil-runtime.yaml', text: readFileSync(new URL('../../rules/vigil-runtime.yaml', import.meta.url), 'utf8') });
    const generated = new RuleEngine(loadRules(files, RULE_SOURCES), SOURCE_BINDINGS, 'all');
    const closures = new RuleEngine(loadRules(files, RULE_SOURCES, { generate: false }), SOURCE_BINDINGS, 'all');
    const first = new RuleEngine(loadRules(files, RULE_SOURCES), SOURCE_BINDINGS, 'first');
    const corpus = await decodeFiles([corpusPath('tetragon'), corpusPath('falco/plugins/k8saudit/testdata/events'), corpusPath('stratus-red-team')]);
    const events = [...decodeLines(tetragonWorkload(3000)), ...decodeLines(k8sAuditWorkload(1000)), ...corpus.events];
    let fired = 0;
    for (const e of events) {
      const a = generated.evaluate(e).map((r) => r.name);
      const b = closures.evaluate(e).map((r) => r.name);
      assert.deepEqual(a, b, `event ${e.origin.path}:${e.origin.line}`);
      assert.deepEqual(first.evaluate(e).map((r) => r.name), a.slice(0, 1), `first match on ${e.origin.path}:${e.origin.line}`);
      fired += a.length;
    }
    t.diagnostic(`${events.length} events, ${fired} rule matches, identical`);
    assert.ok(fired > 100, `${fired} matches: the comparison must exercise firing rules`);

    // The index selects exactly: every rule of the event's source is tried on every event
    // (no index), and the rules that fire are the ones the indexed engine reports.
    const set = loadRules(files, RULE_SOURCES);
    const bySource = new Map(SOURCE_BINDINGS.map((b) => [b, set.rules.filter((r) => r.enabled && r.canMatch && r.source === b.name)]));
    for (const e of events) {
      const binding = SOURCE_BINDINGS.find((b) => b.accepts(e));
      const everyRule = binding === undefined ? [] : (bySource.get(binding) ?? []).filter((r) => r.predicate(e)).map((r) => r.name);
      assert.deepEqual(generated.evaluate(e).map((r) => r.name), everyRule, `index on ${e.origin.path}:${e.origin.line}`);
    }
  });
});
