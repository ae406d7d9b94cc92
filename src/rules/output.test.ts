/**
 * Rule outputs render as Falco renders them: the k8s_audit alert in Falco's own examples
 * (alert-examples.jsonl, produced by Falco from create_nginx_pod_privileged.json with today's
 * k8saudit rules) is reproduced character for character, prefix included, and its
 * `output_fields` value for value.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { decodeFiles } from '../pipeline/decode-files.js';
import { RuleEngine } from './engine.js';
import { loadRules } from './load.js';
import { RULE_SOURCES, SOURCE_BINDINGS } from './sources.js';

interface FalcoAlert {
  readonly output: string;
  readonly priority: string;
  readonly rule: string;
  readonly output_fields: Readonly<Record<string, unknown>>;
}

describe('rule outputs', () => {
  it("reproduce Falco's alert for the privileged pod example exactly", async (t) => {
    if (!requireCorpus(t)) return;
    const alert = JSON.parse(readFileSync(corpusPath('falco/alert-examples.jsonl'), 'utf8').split('\n')[1] ?? '{}') as FalcoAlert;
    const rules = loadRules([{ name: 'k8s_audit_rules.yaml', text: readFileSync(corpusPath('falco/plugins/k8saudit/rules/k8s_audit_rules.yaml'), 'utf8') }], RULE_SOURCES);
    const engine = new RuleEngine(rules, SOURCE_BINDINGS, 'first');
    const { events } = await decodeFiles([corpusPath('falco/plugins/k8saudit/testdata/events/create_nginx_pod_privileged.json')]);
    const [event] = events;
    assert.ok(event);
    const [rule] = engine.evaluate(event);
    assert.ok(rule);
    assert.equal(rule.name, alert.rule);
    assert.equal(rule.priority, alert.priority);
    // Falco prefixes `%evt.time: %priority ` to every rule output.
    const timeRule = loadRules([{ name: 't.yaml', text: '- rule: t\n  desc: d\n  condition: ka.verb exists\n  output: "%evt.time"\n  priority: INFO\n  source: k8s_audit\n' }], RULE_SOURCES).rules[0];
    assert.ok(timeRule);
    const time = timeRule.output.render(event);
    assert.equal(`${time}: ${rule.priority} ${rule.output.render(event)}`, alert.output);
    const values = rule.output.values(event);
    for (const [k, v] of Object.entries(alert.output_fields)) {
      if (k === 'evt.time') continue;
      assert.deepEqual(values[k], v, k);
    }
  });
});
