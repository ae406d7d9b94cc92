/**
 * Every condition of Falco's official rule files (rules, macros, and the stable, incubating,
 * sandbox and plugin files) must parse as written. Lists are still names here (`in
 * (shell_binaries)` is a one-item list until the rule loader substitutes it), which the grammar
 * accepts, so this checks the parser against the 678 real conditions of 11 files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { CORPUS_DIR, requireCorpus } from '../../test/support/corpus.js';
import { ConditionSyntaxError, parse, renderCaret } from './index.js';

const RULE_DIRS = ['falco/rules', 'falco/plugins'];

function ruleFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'testdata' && name !== 'hack') ruleFiles(p, out);
    } else if (/\.ya?ml$/.test(name) && p.includes('/rules')) out.push(p);
  }
  return out;
}

describe('condition parser on the official Falco rules', () => {
  it('parses every rule and macro condition', (t) => {
    if (!requireCorpus(t)) return;
    const failures: string[] = [];
    let conditions = 0;
    const files = RULE_DIRS.flatMap((d) => ruleFiles(join(CORPUS_DIR, d)));
    assert.ok(files.length >= 8, files.join(', '));
    for (const file of files) {
      const items = parseYaml(readFileSync(file, 'utf8')) as unknown;
      if (!Array.isArray(items)) continue;
      for (const item of items as Record<string, unknown>[]) {
        const condition = item['condition'];
        if (typeof condition !== 'string') continue;
        conditions++;
        try {
          parse(condition.trim());
        } catch (err) {
          if (!(err instanceof ConditionSyntaxError)) throw err;
          failures.push(`${file}: ${String(item['rule'] ?? item['macro'])}\n${renderCaret(condition.trim(), err.span, err.message)}`);
        }
      }
    }
    t.diagnostic(`parsed ${conditions} conditions from ${files.length} files`);
    assert.ok(conditions > 500, `${conditions} conditions`);
    assert.deepEqual(failures, []);
  });
});
