/**
 * Falco's rule-loader unit tests (loader-cases.json, transcribed from falco's
 * test_rule_loader.cpp): each test loads YAML documents into one engine and checks the load
 * result, compiled conditions (after lists, macros and exceptions, printed as libsinsp does),
 * error and warning messages, and the number of enabled rules.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { assertDeviations } from '../../test/support/deviations.js';
import { loadRules, type RuleFile, type RuleSet } from './load.js';
import { RULE_SOURCES } from './sources.js';
import type { VigilEvent } from '../core/event.js';

interface Step {
  readonly step: string;
  readonly expect_success?: boolean;
  readonly file?: string;
  readonly rules_yaml?: string;
  readonly rule?: string;
  readonly expected?: string | number | boolean;
  readonly equal?: boolean;
  readonly message?: string;
  readonly expect_present?: boolean;
}

interface LoaderCase {
  readonly test: string;
  readonly steps: readonly Step[];
}

/** Runs one test; returns why it failed, or undefined. */
function run(c: LoaderCase): string | undefined {
  const files: RuleFile[] = [];
  let set: RuleSet<VigilEvent> = loadRules([], RULE_SOURCES);
  const problems: string[] = [];
  const errors = (): string[] => set.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  const warnings = (): string[] => set.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
  for (const s of c.steps) {
    switch (s.step) {
      case 'load': {
        files.push({ name: s.file ?? 'rules.yaml', text: s.rules_yaml ?? '' });
        set = loadRules(files, RULE_SOURCES);
        const ok = errors().length === 0;
        if (ok !== s.expect_success) problems.push(`load ${ok ? 'succeeded' : `failed (${errors().join(' | ')})`}, expected ${s.expect_success === true ? 'success' : 'failure'}`);
        break;
      }
      case 'compiled_condition': {
        const got = set.compiledConditions.get(s.rule ?? '');
        if ((got === s.expected) !== (s.equal ?? true)) problems.push(`compiled condition ${String(got)}, expected ${String(s.expected)}`);
        break;
      }
      case 'error_message':
      case 'warning_message': {
        const list = s.step === 'error_message' ? errors() : warnings();
        const present = list.some((m) => m.includes(s.message ?? ''));
        if (present !== s.expect_present) problems.push(`${s.step} "${s.message ?? ''}" ${present ? 'present' : 'absent'}; got: ${list.join(' | ')}`);
        break;
      }
      case 'has_warnings':
        if ((warnings().length > 0) !== s.expected) problems.push(`has_warnings ${warnings().length > 0}: ${warnings().join(' | ')}`);
        break;
      case 'load_result_successful':
        if ((errors().length === 0) !== s.expected) problems.push(`load_result_successful ${errors().length === 0}`);
        break;
      case 'num_rules_for_ruleset':
        if (set.counts.enabled !== s.expected) problems.push(`${set.counts.enabled} enabled rules, expected ${String(s.expected)}`);
        break;
      default:
        problems.push(`unknown step ${s.step}`);
    }
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

describe('Falco rule-loader conformance (loader-cases.json)', () => {
  it('passes every case but the listed deviations', (t) => {
    if (!requireCorpus(t)) return;
    const data = JSON.parse(readFileSync(corpusPath('falco/loader-cases.json'), 'utf8')) as { tests: LoaderCase[] };
    const failures = new Map<string, string>();
    for (const c of data.tests) {
      const why = run(c);
      if (why !== undefined) failures.set(c.test, why);
    }
    t.diagnostic(assertDeviations('loader-cases', data.tests.length, failures));
  });
});
