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
  condition: evt.type = open
- macro: b
  condition: a
- macro: a
  condition: b
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
    assert.deepEqual(codes.sort(), ['a:MACRO_LOOP:21', 'bad_output:OUTPUT_INVALID:30', 'bad_priority:PRIORITY_INVALID:10', 'undefined_macro:MACRO_UNDEFINED:13'].sort());
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

  it("enforces Falco's macro visibility: a macro sees only macros defined before it", () => {
    const set = load(`- macro: a
  condition: b and evt.type = open
- macro: b
  condition: proc.name = x
- rule: r
  desc: d
  condition: a
  output: o
  priority: INFO
`);
    const [e] = errors(set.diagnostics);
    assert.ok(e);
    assert.deepEqual([e.code, e.itemType, e.itemName, e.line, e.col], ['MACRO_UNDEFINED', 'macro', 'a', 2, 14]);
  });

  it('expands a list naming a list one level, as Falco does', () => {
    const set = load(`- list: c1
  items: [cat]
- list: c2
  items: [c1, dog]
- list: c3
  items: [c2]
- rule: r
  desc: d
  condition: evt.type = open and proc.name in (c3)
  output: o
  priority: INFO
`);
    assert.equal(set.compiledConditions.get('r'), '(evt.type = open and proc.name in (c1, dog))');
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

  it('never lets an index value shadow another: unnamed values, missing values, odd names', () => {
    const sources: RuleSourceSpec<Ev>[] = [{ name: 'syscall', fields: [field('evt.type'), field('proc.name'), field('syscall.type')], typeField: 'evt.type', indexFields: ['evt.type', 'proc.name'] }];
    const set = loadRules([{ name: 'r.yaml', text: `- rule: odd
  desc: d
  condition: evt.type = open and proc.name = "\\x02"
  output: o
  priority: INFO
- rule: not bash
  desc: d
  condition: evt.type = open and not proc.name = bash
  output: o
  priority: INFO
- rule: not openat syscall
  desc: d
  condition: proc.name = bash and not syscall.type = openat
  output: o
  priority: INFO
  warn_evttypes: false
` }], sources);
    assert.deepEqual(set.diagnostics.filter((d) => d.severity === 'error'), []);
    const engine = new RuleEngine(set, [{ name: 'syscall', accepts: () => true }], 'all');
    const fire = (ev: Ev) => engine.evaluate(ev).map((r) => r.name);
    assert.deepEqual(fire({ 'evt.type': 'open', 'proc.name': 'zzz' }), ['not bash']);
    assert.deepEqual(fire({ 'evt.type': 'open', 'proc.name': '\u0002' }), ['odd', 'not bash']);
    assert.deepEqual(fire({ 'evt.type': 'open' }), ['not bash'], 'a missing name: only the negated check holds');
    // syscall.type is missing on non-syscall hooks, where evt.type still has a value
    assert.deepEqual(fire({ 'evt.type': 'openat', 'proc.name': 'bash' }), ['not openat syscall']);
  });

  it('stops at the first index field when it decides: no later field is extracted', () => {
    let names = 0;
    const counted: FieldSpec<Ev> = { name: 'proc.name', type: 'string', extract: (e) => (names++, e['proc.name']) };
    const sources: RuleSourceSpec<Ev>[] = [{ name: 'syscall', fields: [field('evt.type'), counted], typeField: 'evt.type', indexFields: ['evt.type', 'proc.name'] }];
    const set = loadRules([{ name: 'r.yaml', text: `- rule: open_cat
  desc: d
  condition: evt.type = open and proc.name = cat
  output: o
  priority: INFO
- rule: any_exec
  desc: d
  condition: evt.type = execve
  output: o
  priority: INFO
` }], sources);
    const engine = new RuleEngine(set, [{ name: 'syscall', accepts: () => true }], 'all');
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(engine.evaluate({ 'evt.type': 'read', 'proc.name': 'cat' }), [], 'no rule reads a read');
      assert.deepEqual(engine.evaluate({ 'evt.type': 'execve', 'proc.name': `p${i}` }).map((r) => r.name), ['any_exec'], 'no rule for execve names a process');
    }
    assert.equal(names, 0);
    assert.deepEqual(engine.evaluate({ 'evt.type': 'open', 'proc.name': 'cat' }).map((r) => r.name), ['open_cat']);
    assert.deepEqual(engine.evaluate({ 'evt.type': 'open', 'proc.name': 'dog' }), []);
    assert.ok(names >= 2, 'open events need the process name');
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
