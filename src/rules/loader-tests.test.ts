/**
 * Falco's legacy rule-file regression suite (loader-tests/: falco_tests.yaml and
 * falco_tests_exceptions.yaml with their rule fixtures). The syscall capture files were not
 * kept, so what can be checked is loading: expected errors and warnings (by item and message),
 * files expected to validate, rule files of detection tests loading without errors, and the
 * event types derived for each rule (`rules_events`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml, type Tags } from 'yaml';
import type { VigilEvent } from '../core/event.js';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { assertDeviations } from '../../test/support/deviations.js';
import type { Diagnostic } from './diagnostics.js';
import { loadRules, type RuleSet } from './load.js';
import { RULE_SOURCES } from './sources.js';

interface Expected {
  readonly item_type?: string;
  readonly item_name?: string;
  readonly message?: string;
  readonly message_contains?: string;
}

interface LegacyCase {
  readonly exit_status?: number;
  readonly validate_rules_file?: string | string[];
  readonly rules_file?: string | string[];
  readonly validate_errors?: Expected[];
  readonly validate_warnings?: Expected[];
  readonly validate_ok?: string[];
  readonly rules_events?: Record<string, string[]>[];
  readonly rules_warning?: string[];
  readonly conf_file?: string;
  readonly run_tags?: string[];
}

/** `!mux` is avocado's tag for a mapping of variants: read it as a plain mapping. */
const MUX: Tags = [{ tag: '!mux', resolve: (v: unknown) => v, collection: 'map' } as unknown as Tags[number]];

function matches(d: Diagnostic, e: Expected): boolean {
  const text = e.message ?? e.message_contains ?? '';
  if (!d.message.includes(text)) return false;
  // "rules content" problems concern the file, not an item.
  if (e.item_type !== undefined && !e.item_type.startsWith('rules content') && d.itemType !== e.item_type) return false;
  return e.item_name === undefined || e.item_name === '' || d.itemName === e.item_name;
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function check(dir: string, c: LegacyCase): string | undefined {
  const paths = asList(c.validate_rules_file).length > 0 ? asList(c.validate_rules_file) : asList(c.rules_file);
  if (paths.length === 0) return undefined;
  // A path may be a directory, which Falco loads file by file in name order.
  const expanded = paths.flatMap((p) => (statSync(join(dir, p)).isDirectory() ? readdirSync(join(dir, p)).sort().map((n) => join(p, n)) : [p]));
  const files = expanded.map((p) => ({ name: p, text: readFileSync(join(dir, p), 'utf8') }));
  const set: RuleSet<VigilEvent> = loadRules(files, RULE_SOURCES);
  const errors = set.diagnostics.filter((d) => d.severity === 'error');
  const warnings = set.diagnostics.filter((d) => d.severity === 'warning');
  const problems: string[] = [];
  for (const e of c.validate_errors ?? []) {
    if (!errors.some((d) => matches(d, e))) problems.push(`missing error ${e.item_type ?? ''} '${e.item_name ?? ''}': ${e.message ?? e.message_contains ?? ''} (got: ${errors.map((d) => `${d.itemType ?? ''} '${d.itemName ?? ''}': ${d.message}`).join(' | ')})`);
  }
  for (const e of c.validate_warnings ?? []) {
    if (!warnings.some((d) => matches(d, e))) problems.push(`missing warning ${e.item_name ?? ''}: ${e.message ?? e.message_contains ?? ''}`);
  }
  for (const ok of c.validate_ok ?? []) {
    if (errors.some((d) => d.file.endsWith(ok))) problems.push(`${ok} should validate`);
  }
  const shouldFail = c.exit_status === 1 || (c.validate_errors?.length ?? 0) > 0;
  if (shouldFail && errors.length === 0) problems.push('loaded without errors, expected some');
  if (!shouldFail && errors.length > 0) problems.push(`unexpected errors: ${errors.map((d) => `${d.file}:${d.line} ${d.message}`).join(' | ')}`);
  for (const name of c.rules_warning ?? []) {
    if (!warnings.some((d) => d.itemName === name)) problems.push(`expected a warning for rule ${name}`);
  }
  for (const entry of c.rules_events ?? []) {
    for (const [rule, expected] of Object.entries(entry)) {
      const r = set.rules.find((x) => x.name === rule);
      const got = r?.types === undefined ? 'missing' : r.types.all ? 'all' : [...r.types.names].sort().join(',');
      const want = [...expected].sort().join(',');
      if (got !== want) problems.push(`rule ${rule}: event types ${got}, expected ${want}`);
    }
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

describe("Falco's legacy rule-file regression suite (loader-tests/)", () => {
  it('passes every case but the listed deviations', (t) => {
    if (!requireCorpus(t)) return;
    const dir = corpusPath('falco/loader-tests');
    const failures = new Map<string, string>();
    let total = 0;
    for (const suite of ['falco_tests.yaml', 'falco_tests_exceptions.yaml']) {
      const doc = parseYaml(readFileSync(join(dir, suite), 'utf8'), { customTags: MUX }) as { trace_files: Record<string, LegacyCase> };
      for (const [name, c] of Object.entries(doc.trace_files)) {
        if (asList(c.validate_rules_file).length === 0 && asList(c.rules_file).length === 0) continue;
        // Failures caused by Falco's command line or configuration (conflicting -D/-t options,
        // drop-monitoring actions), not by the rule files: nothing a rule loader can reproduce.
        if (c.exit_status === 1 && c.validate_errors === undefined && (c.conf_file !== undefined || c.run_tags !== undefined)) continue;
        total++;
        const why = check(dir, c);
        if (why !== undefined) failures.set(`${suite}#${name}`, why);
      }
    }
    t.diagnostic(assertDeviations('loader-tests', total, failures));
  });
});
