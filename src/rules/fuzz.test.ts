/**
 * The loader never throws on a rule file, however broken: random mutations of real rule files
 * (lines dropped, duplicated, swapped, cut, characters replaced) and random item shapes must
 * give diagnostics, never an exception, and every diagnostic must carry a position inside the
 * file and a known code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { RULE_ERROR_CODES, type Diagnostic } from './diagnostics.js';
import { loadRules } from './load.js';
import { RULE_SOURCES } from './sources.js';

const CODES: ReadonlySet<string> = new Set(RULE_ERROR_CODES);

function wellFormed(text: string, ds: readonly Diagnostic[]): void {
  const lines = text.split('\n').length;
  for (const d of ds) {
    assert.ok(CODES.has(d.code), d.code);
    assert.ok(d.line >= 1 && d.line <= lines, `${d.code} at line ${d.line} of ${lines}: ${d.message}`);
    assert.ok(d.col >= 1, `${d.code} at column ${d.col}`);
    assert.equal(typeof d.message, 'string');
  }
}

type Edit =
  | { readonly op: 'drop'; readonly at: number }
  | { readonly op: 'dup'; readonly at: number }
  | { readonly op: 'swap'; readonly at: number; readonly with: number }
  | { readonly op: 'cut'; readonly at: number; readonly col: number }
  | { readonly op: 'char'; readonly at: number; readonly col: number; readonly c: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.nat().map((at): Edit => ({ op: 'drop', at })),
  fc.nat().map((at): Edit => ({ op: 'dup', at })),
  fc.tuple(fc.nat(), fc.nat()).map(([at, w]): Edit => ({ op: 'swap', at, with: w })),
  fc.tuple(fc.nat(), fc.nat({ max: 80 })).map(([at, col]): Edit => ({ op: 'cut', at, col })),
  fc.tuple(fc.nat(), fc.nat({ max: 80 }), fc.constantFrom('(', ')', '"', "'", ':', '-', ' ', '\t', '%', '[', ']', '{', '=', 'x', '\\', '#', '\u0000')).map(([at, col, c]): Edit => ({ op: 'char', at, col, c })),
);

function apply(lines: string[], e: Edit): string[] {
  const n = lines.length;
  if (n === 0) return lines;
  const i = e.at % n;
  const out = [...lines];
  switch (e.op) {
    case 'drop':
      out.splice(i, 1);
      break;
    case 'dup':
      out.splice(i, 0, out[i] ?? '');
      break;
    case 'swap': {
      const j = e.with % n;
      [out[i], out[j]] = [out[j] ?? '', out[i] ?? ''];
      break;
    }
    case 'cut':
      out[i] = (out[i] ?? '').slice(0, e.col);
      break;
    case 'char': {
      const l = out[i] ?? '';
      const col = Math.min(e.col, l.length);
      out[i] = l.slice(0, col) + e.c + l.slice(col + 1);
      break;
    }
  }
  return out;
}

describe('rule loader robustness', () => {
  it('never throws on mutated official rule files, and positions stay inside the file', (t) => {
    if (!requireCorpus(t)) return;
    // A slice of each: whole files make every run slow without finding more.
    const sources = ['falco/rules/falco_rules.yaml', 'falco/plugins/k8saudit/rules/k8s_audit_rules.yaml', 'falco/plugins/cloudtrail/rules/aws_cloudtrail_rules.yaml'].map((f) =>
      readFileSync(corpusPath(f), 'utf8').split('\n').slice(0, 400),
    );
    fc.assert(
      fc.property(fc.nat({ max: sources.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (which, edits) => {
        const lines = edits.reduce(apply, sources[which] ?? []);
        const text = lines.join('\n');
        const set = loadRules([{ name: 'fuzz.yaml', text }], RULE_SOURCES);
        wellFormed(text, set.diagnostics);
      }),
      { numRuns: 60 },
    );
  });

  it('never throws on random items', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('evt.type = open', 'proc.name in (a, b', 'and', '%proc.name', 'WARNING', 'append', 'replace'));
    const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom('name', 'fields', 'comps', 'values', 'items', 'condition'), scalar, { maxKeys: 3 }));
    const item = fc.dictionary(fc.constantFrom('rule', 'macro', 'list', 'condition', 'output', 'desc', 'priority', 'items', 'append', 'override', 'exceptions', 'enabled', 'source', 'tags', 'required_engine_version', 'required_plugin_versions'), value, { maxKeys: 6 });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), (items) => {
        const text = JSON.stringify(items);
        const set = loadRules([{ name: 'fuzz.yaml', text }], RULE_SOURCES);
        wellFormed(text, set.diagnostics);
      }),
      { numRuns: 200 },
    );
  });
});
