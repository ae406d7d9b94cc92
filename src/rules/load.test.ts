/**
 * The loader on hand-written files: positions of every kind of problem (YAML, item, condition
 * syntax inside block scalars and through list substitution, unknown fields inside macros,
 * outputs), that problems are all collected, and that good rules around a bad one still load.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldSpec } from '../lang/index.js';
import { formatDiagnostic, type Diagnostic } from './diagnostics.js';
import { RuleEngine } from './engine.js';
import { loadRules, type RuleSourceSpec } from './load.js';

type Ev = Readonly<Record<string, string | number>>;

const field = (name: string, type: 'string' | 'number' = 'string'): FieldSpec<Ev> => ({ name, type, extract: (e) => e[name] });
const SOURCES: RuleSourceSpec<Ev>[] = [
  { name: 'syscall', fields: [field('evt.type'), field('proc.name'), field('proc.pname'), field('fd.name'), field('evt.num', 'number'), field('evt.dir')], typeField: 'evt.type' },
  { name: 'k8s_audit', fields: [field('ka.verb'), field('ka.target.resource')] },
];

function load(...texts: string[]) {
  return loadRules(texts.map((text, i) => ({ name: `f${i}.yaml`, text })), SOURCES);
}

function errors(ds: readonly Diagnostic[]): Diagnostic[] {
  return ds.filter((d) => d.severity === 'error');
}

describe('rule loader positions and collection', () => {
  it('points a syntax error inside a folded condition at its line and column', () => {
    const set = load(`- rule: r1
  desc: d
  condition: >
    evt.type = open and
    proc.name = cat and and
  output: o
  priority: INFO
`);
    const [e, ...rest] = errors(set.diagnostics);
    assert.equal(rest.length, 0);
    assert.ok(e);
    assert.equal(e.code, 'CONDITION_SYNTAX');
    assert.equal(e.itemName, 'r1');
    assert.equal(e.line, 5);
    assert.equal(e.col, 25, formatDiagnostic(e));
    assert.match(e.excerpt ?? '', /proc\.name = cat and and\n {24}\^/);
  });

  it('reports an unknown field used in a macro for the rule, pointing into the macro', () => {
    const set = load(`- macro: m
  condition: proc.nmae = cat
- rule: r
  desc: d
  condition: evt.type = open and m
  output: o
  priority: INFO
`);
    const [e] = errors(set.diagnostics);
    assert.ok(e);
    assert.equal(e.code, 'CONDITION_COMPILE');
    assert.equal(e.itemType, 'rule');
    assert.equal(e.itemName, 'r');
    assert.match(e.message, /\(in macro 'm'\)$/);
    assert.deepEqual([e.line, e.col], [2, 14]);
  });

  it('keeps positions exact after list substitution', () => {
    const set = load(`- list: shells
  items: [bash, sh, zsh]
- rule: r
  desc: d
  condition: proc.name in (shells) and fd.nmae = x
  output: o
  priority: INFO
`);
    const [e] = errors(set.diagnostics);
    assert.ok(e);
    assert.deepEqual([e.line, e.col, e.message], [5, 40, "unknown field 'fd.nmae' (filter_check called with nonexistent field fd.nmae)"]);
  });

  it('collects every problem of a file and still loads the good rules', () => {
    const set = load(`- rule: good1
  desc: d
  condition: evt.type = open
  output: file=%fd.name
  priority: WARNING
- rule: bad_priority
  desc: d
  condition: evt.type = open
  output: o
  priority: LOUD
- rule: undefined_macro
  desc: d
  condition: evt.type = open and nope
  output: o
  priority: INFO
- macro: a
  condition: b
- macro: b
  condition: a
- rule: loop
  desc: d
  condition: evt.type = open and a
  output: o
  priority: INFO
- rule: bad_output
  desc: d
  condition: evt.type = open
  output: file=%fd.nmae
  priority: INFO
- rule: good2
  desc: d
  condition: ka.verb = create
  output: verb=%ka.verb
  priority: NOTICE
  source: k8s_audit
`);
    const codes = errors(set.diagnostics).map((d) => `${d.itemName ?? ''}:${d.code}:${d.line}`);
    assert.deepEqual(codes.sort(), ['a:MACRO_LOOP:17', 'bad_output:OUTPUT_INVALID:28', 'bad_priority:PRIORITY_INVALID:10', 'undefined_macro:MACRO_UNDEFINED:13'].sort());
    assert.deepEqual(set.rules.map((r) => r.name), ['good1', 'good2']);
  });

  it('reports YAML errors with their position and goes on with the other files', () => {
    const set = load('- rule: x\n  desc: [unclosed\n', `- rule: ok
  desc: d
  condition: evt.type = open
  output: o
  priority: INFO
`);
    const [e] = errors(set.diagnostics);
    assert.ok(e);
    assert.equal(e.code, 'YAML_SYNTAX');
    assert.equal(e.file, 'f0.yaml');
    assert.ok(e.line >= 2);
    assert.deepEqual(set.rules.map((r) => r.name), ['ok']);
  });

  it('warns about unused lists and macros and about rules without an event type', () => {
    const set = load(`- list: unused_list
  items: [a]
- macro: unused_macro
  condition: proc.name = a
- rule: broad
  desc: d
  condition: proc.name = cat
  output: o
  priority: INFO
`);
    const w = set.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.itemName ?? ''}:${d.code}`);
    assert.deepEqual(w.sort(), ['broad:EVTTYPE_BROAD', 'unused_list:UNUSED', 'unused_macro:UNUSED']);
  });

  it('never throws on arbitrary YAML shapes', () => {
    for (const text of ['', '42', '{a: 1}', '- 1\n- [2]', '- rule: {a: b}', '- rule: r\n  condition: [1]', '- list: l\n  items: 3', '- macro: m\n  condition:', '- rule: r\n  override: 5', '- required_engine_version: {}', '- required_plugin_versions: [1, {name: x}]', '- rule: r\n  exceptions: [{name: e, fields: [a], values: [[1, 2]]}]']) {
      const set = load(text);
      assert.ok(Array.isArray(set.diagnostics));
    }
  });
});

describe('rule engine', () => {
  it('tests an event only against rules of its type and keeps definition order', () => {
    const set = load(`- rule: any_cat
  desc: d
  condition: proc.name = cat
  output: o
  priority: INFO
  warn_evttypes: false
- rule: open_cat
  desc: d
  condition: evt.type in (open, openat) and proc.name = cat
  output: o
  priority: INFO
- rule: exec_cat
  desc: d
  condition: evt.type = execve and proc.name = cat
  output: o
  priority: INFO
`);
    const bind = [{ name: 'syscall', accepts: () => true }];
    const first = new RuleEngine(set, bind, 'first');
    const all = new RuleEngine(set, bind, 'all');
    const open: Ev = { 'evt.type': 'open', 'proc.name': 'cat' };
    assert.deepEqual(first.candidates(open).map((r) => r.name), ['any_cat', 'open_cat']);
    assert.deepEqual(first.evaluate(open).map((r) => r.name), ['any_cat']);
    assert.deepEqual(all.evaluate(open).map((r) => r.name), ['any_cat', 'open_cat']);
    assert.deepEqual(all.evaluate({ 'evt.type': 'execve', 'proc.name': 'cat' }).map((r) => r.name), ['any_cat', 'exec_cat']);
    assert.deepEqual(all.evaluate({ 'evt.type': 'execve', 'proc.name': 'ls' }), []);
  });

  it('renders outputs with <NA> for missing fields', () => {
    const set = load(`- rule: r
  desc: d
  condition: evt.type = open
  output: "  open %fd.name by %proc.name (parent %proc.pname)  "
  priority: INFO
`);
    const [rule] = set.rules;
    assert.ok(rule);
    assert.equal(rule.output.render({ 'evt.type': 'open', 'fd.name': '/etc/passwd', 'proc.name': 'cat' }), 'open /etc/passwd by cat (parent <NA>)');
  });
});
